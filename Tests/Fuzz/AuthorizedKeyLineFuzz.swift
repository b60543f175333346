@testable import EC2SSHCore

/// libFuzzer's entry point for the authorized-key line validator (`AuthorizedKeyLine.validate`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAuthorizedKeyLine(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    AuthorizedKeyLineFuzz.check(String(decoding: fuzzBytes(data, size), as: UTF8.self))
    return 0
}

/// The invariants of the key validator, checked on one key body.
///
/// - a rejection's description is one printable ASCII line (it goes to syslog and the audit line);
/// - an accepted key is one line without options: an allowed type, canonical base64 of a blob of that type, a
///   printable comment, an RSA size within the limits; the input held no line break but a final one;
/// - validation is idempotent: the normalized line validates to the same key.
enum AuthorizedKeyLineFuzz {
    /// Checks every invariant on `body`.
    static func check(_ body: String) {
        switch AuthorizedKeyLine.validate(body) {
        case .failure(let rejection):
            fuzzRequire(
                isPrintableASCII(rejection.description), "rejection \(String(reflecting: rejection.description))")
        case .success(let key):
            checkAccepted(key, body: body)
        }
    }

    /// Checks an accepted key against the body it came from.
    static func checkAccepted(_ key: ValidatedKey, body: String) {
        var bytes = Array(body.utf8)
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        fuzzRequire(!bytes.contains { $0 == 0 || $0 == 0x0A || $0 == 0x0D }, "accepted a body with a line break or NUL")
        fuzzRequire(bytes.count <= AuthorizedKeyLine.maximumLength, "accepted \(bytes.count) bytes")
        fuzzRequire(AuthorizedKeyLine.allowedTypes.contains(key.type), "accepted type \(key.type)")
        fuzzRequire(Base64.decode(key.base64) == key.blob, "the blob is not the decoded base64")
        fuzzRequire(Base64.encode(key.blob) == key.base64, "the base64 \(key.base64) is not canonical")
        var reader = SSHBlobReader(key.blob)
        let blobType = try? reader.readString()
        fuzzRequire(blobType == Array(key.type.utf8), "the blob's type differs from \(key.type)")
        if let comment = key.comment {
            fuzzRequire(isPrintableASCII(comment), "comment \(String(reflecting: comment)) is not printable")
            fuzzRequire(
                comment.first != " " && comment.first != "\t" && comment.last != " " && comment.last != "\t",
                "comment \(String(reflecting: comment)) is not trimmed")
        }
        if key.type == "ssh-rsa" {
            let bits = key.rsaBits ?? 0
            fuzzRequire(
                (AuthorizedKeyLine.minimumRSABits...AuthorizedKeyLine.maximumRSABits).contains(bits),
                "accepted an RSA key of \(bits) bits")
        } else {
            fuzzRequire(key.rsaBits == nil, "a \(key.type) key has an RSA size")
        }
        let line = key.line
        fuzzRequire(line.hasPrefix("\(key.type) \(key.base64)"), "line \(line) does not start with type and key")
        fuzzRequire(isPrintableASCII(line), "line \(String(reflecting: line)) is not one printable line")
        switch AuthorizedKeyLine.validate(line) {
        case .success(let again):
            fuzzRequire(again == key, "the normalized line validates to a different key")
        case .failure(let rejection):
            fuzzRequire(false, "the normalized line \(line) is rejected: \(rejection)")
        }
    }

    /// Whether every byte of `text` is printable ASCII (a space or a tab included).
    static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }
    }
}
