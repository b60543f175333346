/// The parts of a request URL that SigV4 signs: authority, canonical path and canonical query.
struct SigV4URL {
    /// `host` or `host:port` as written in the URL.
    let authority: String
    /// The URI-encoded path, normalized when asked for.
    let canonicalPath: String
    /// The sorted, URI-encoded query.
    let canonicalQuery: String

    /// Splits an absolute `http(s)://authority/path?query` URL.
    ///
    /// With `normalizePath` the path loses `.`, `..` and empty segments (every service but S3 wants this).
    init(_ url: String, normalizePath: Bool = true) throws {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"),
            let schemeEnd = url.firstRange(of: "://")
        else {
            throw AWSError.configuration(
                detail: "cannot sign request: '\(url)' is not an absolute http:// or https:// URL")
        }
        if url.contains("#") {
            throw AWSError.configuration(detail: "cannot sign request: URL '\(url)' has a fragment ('#')")
        }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        authority = String(rest[..<authorityEnd])
        if authority.isEmpty {
            throw AWSError.configuration(detail: "cannot sign request: URL '\(url)' has no host")
        }
        if authority.contains("@") {
            throw AWSError.configuration(
                detail: "cannot sign request: URL '\(url)' has a user name; AWS requests carry none")
        }
        let pathAndQuery = rest[authorityEnd...]
        let queryStart = pathAndQuery.firstIndex(of: "?")
        let rawPath = String(pathAndQuery[..<(queryStart ?? pathAndQuery.endIndex)])
        let rawQuery = queryStart.map { String(pathAndQuery[pathAndQuery.index(after: $0)...]) } ?? ""
        canonicalPath = SigV4URL.canonicalize(path: rawPath, normalize: normalizePath)
        canonicalQuery = SigV4URL.canonicalize(query: rawQuery)
    }

    /// The canonical form of `path`: with `normalize` (every service but S3), each segment is URI-encoded as it is
    /// sent (so `%20` becomes `%2520`, as SigV4 wants); without it (S3), each segment is encoded exactly once.
    ///
    /// With `normalize`, first removes `.` and empty segments and resolves `..`; a trailing `/` is kept. Without
    /// it, the path keeps every segment, and a segment's `%XX` escapes are decoded before it is encoded, so an
    /// S3 key sent as `a%20b` is signed as `a%20b`, the way S3 computes it (a raw `a b` also gives `a%20b`).
    static func canonicalize(path: String, normalize: Bool) -> String {
        guard !path.isEmpty else { return "/" }
        guard normalize else {
            let segments = path.split(separator: "/", omittingEmptySubsequences: false)
            let encoded = segments.map { uriEncode(bytes: percentDecode($0)) }.joined(separator: "/")
            return encoded.hasPrefix("/") ? encoded : "/" + encoded
        }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                _ = segments.popLast()
                continue
            }
            segments.append(segment)
        }
        let encoded = "/" + segments.map { uriEncode(String($0)) }.joined(separator: "/")
        if encoded != "/" && path.hasSuffix("/") { return encoded + "/" }
        return encoded
    }

    /// Decodes each `name=value` pair, re-encodes it strictly and sorts by name, then value (byte order).
    static func canonicalize(query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs: [(String, String)] = query.split(separator: "&", omittingEmptySubsequences: true).map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = uriEncode(bytes: percentDecode(parts[0]))
            let value = parts.count > 1 ? uriEncode(bytes: percentDecode(parts[1])) : ""
            return (name, value)
        }
        return
            pairs
            .sorted { lhs, rhs in
                lhs.0 == rhs.0
                    ? lhs.1.utf8.lexicographicallyPrecedes(rhs.1.utf8)
                    : lhs.0.utf8.lexicographicallyPrecedes(rhs.0.utf8)
            }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// Percent-encodes every byte except the RFC 3986 unreserved characters, with uppercase hex digits.
    static func uriEncode(_ text: String) -> String {
        uriEncode(bytes: Array(text.utf8))
    }

    /// Percent-encodes every byte except the RFC 3986 unreserved characters, with uppercase hex digits.
    static func uriEncode(bytes: [UInt8]) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes to bytes (and nothing else, so `+` stays `+`); malformed escapes stay as they are.
    static func percentDecode(_ text: Substring) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
