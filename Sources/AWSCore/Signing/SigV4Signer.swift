#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// Signs HTTP requests with AWS Signature Version 4, in numbered stages that are each testable on their own.
///
/// Only the headers the request carries are signed (plus `host`, `x-amz-date` and, for temporary credentials,
/// `x-amz-security-token`, which signing adds). The signing date is always a parameter; the signer never reads
/// the clock. Stages: 0 `prepared`, 1 `canonicalRequest`, 2 `stringToSign`, 3 `signingKey`, 4 `signature`;
/// `signed` runs them all. Query (presigned URL) signing lives in `SigV4Signer+Presign.swift`.
public struct SigV4Signer: Sendable {
    /// The algorithm name that starts the string to sign and the `Authorization` header.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// The credentials to sign with.
    public var credentials: Credentials
    /// The signing region, for example `us-east-1`.
    public var region: String
    /// The signing service name, for example `iam`, `sts`, `ec2`.
    public var service: String
    /// Whether the canonical path drops `.`, `..` and empty segments (true for every service except S3).
    public var normalizesPath: Bool
    /// Whether the session token is signed (true, the default) or only attached after signing.
    public var signsSessionToken: Bool
    /// Whether signing adds and signs an `x-amz-content-sha256` header holding the payload hash.
    public var addsContentSHA256Header: Bool

    /// Creates a signer for one credential scope; the defaults suit IAM, STS and EC2.
    public init(
        credentials: Credentials, region: String, service: String, normalizesPath: Bool = true,
        signsSessionToken: Bool = true, addsContentSHA256Header: Bool = false
    ) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.normalizesPath = normalizesPath
        self.signsSessionToken = signsSessionToken
        self.addsContentSHA256Header = addsContentSHA256Header
    }

    /// Returns `request` with `X-Amz-Date`, `Host` (when missing), `X-Amz-Security-Token` (for temporary
    /// credentials) and `Authorization` set for `date`.
    public func signed(_ request: HTTPRequest, date: Date) throws -> HTTPRequest {
        var request = try prepared(request, date: date)
        let canonical = try canonicalRequest(request)
        let toSign = stringToSign(canonicalRequest: canonical.text, date: date)
        let signatureHex = signature(stringToSign: toSign, date: date)
        if !signsSessionToken, let token = credentials.sessionToken {
            let position = request.headers.firstIndex { $0.name.lowercased() == "x-amz-date" } ?? request.headers.count
            request.headers.insert(HTTPField("X-Amz-Security-Token", token), at: position)
        }
        request.headers.append(
            HTTPField(
                "Authorization",
                "\(SigV4Signer.algorithm) Credential=\(credentials.accessKeyID)/\(credentialScope(date: date)), "
                    + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signatureHex)"))
        return request
    }

    /// Stage 0: `request` with the headers that get signed added: `Host` (when missing), `X-Amz-Date`, the
    /// session token (when signed) and `x-amz-content-sha256` (when asked for).
    ///
    /// Any earlier `Authorization`, `X-Amz-Date`, `X-Amz-Security-Token` or `x-amz-content-sha256` header is
    /// replaced, so signing a signed request again is safe.
    public func prepared(_ request: HTTPRequest, date: Date) throws -> HTTPRequest {
        var request = request
        let owned: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]
        request.headers.removeAll { owned.contains($0.name.lowercased()) }
        let parts = try SigV4URL(request.url, normalizePath: normalizesPath)
        if request.header("host") == nil {
            request.headers.insert(HTTPField("Host", parts.authority), at: 0)
        }
        if signsSessionToken, let token = credentials.sessionToken {
            request.headers.append(HTTPField("X-Amz-Security-Token", token))
        }
        request.headers.append(HTTPField("X-Amz-Date", SigV4Signer.timestamp(date)))
        if addsContentSHA256Header {
            request.headers.append(HTTPField("x-amz-content-sha256", Digest.hex(Digest.sha256(request.body))))
        }
        return request
    }

    /// Stage 1: the canonical request and the `;`-joined list of signed header names.
    ///
    /// Signs every header of `request` except `Authorization`; the payload hash is the value of an
    /// `x-amz-content-sha256` header when there is one, else the SHA-256 of the body. Throws
    /// `AWSError.configuration` for a header that cannot be sent as it is signed (an empty name, a name with
    /// spaces, `:` or control characters, a value with a line break or NUL).
    public func canonicalRequest(_ request: HTTPRequest) throws -> (text: String, signedHeaders: String) {
        let parts = try SigV4URL(request.url, normalizePath: normalizesPath)
        try SigV4Signer.validate(request.headers)
        let headers = SigV4Signer.canonicalHeaders(request.headers)
        let payloadHash = request.header("x-amz-content-sha256") ?? Digest.hex(Digest.sha256(request.body))
        let text = [
            request.method.uppercased(),
            parts.canonicalPath,
            parts.canonicalQuery,
            headers.lines,
            headers.signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        return (text, headers.signedHeaders)
    }

    /// Stage 2: the string to sign for a canonical request at `date`.
    public func stringToSign(canonicalRequest: String, date: Date) -> String {
        [
            SigV4Signer.algorithm,
            SigV4Signer.timestamp(date),
            credentialScope(date: date),
            Digest.hex(Digest.sha256(Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
    }

    /// Stage 3: the signing key derived from the secret, the date, the region and the service.
    public func signingKey(date: Date) -> [UInt8] {
        let dateKey = Digest.hmacSHA256(
            key: Array("AWS4\(credentials.secretAccessKey)".utf8), data: Array(SigV4Signer.day(date).utf8))
        let regionKey = Digest.hmacSHA256(key: dateKey, data: Array(region.utf8))
        let serviceKey = Digest.hmacSHA256(key: regionKey, data: Array(service.utf8))
        return Digest.hmacSHA256(key: serviceKey, data: Array("aws4_request".utf8))
    }

    /// Stage 4: the lowercase hex signature of `stringToSign` under the signing key for `date`.
    public func signature(stringToSign: String, date: Date) -> String {
        Digest.hex(Digest.hmacSHA256(key: signingKey(date: date), data: Array(stringToSign.utf8)))
    }

    /// The credential scope `YYYYMMDD/region/service/aws4_request`.
    public func credentialScope(date: Date) -> String {
        "\(SigV4Signer.day(date))/\(region)/\(service)/aws4_request"
    }

    /// `YYYYMMDD'T'HHMMSS'Z'` in UTC.
    public static func timestamp(_ date: Date) -> String {
        let c = UTCComponents(date)
        return "\(c.day)T\(c.time)Z"
    }

    /// `YYYYMMDD` in UTC.
    public static func day(_ date: Date) -> String {
        UTCComponents(date).day
    }

    /// Throws `AWSError.configuration` for a header name or value that would not reach AWS as it is signed.
    static func validate(_ fields: [HTTPField]) throws {
        for field in fields {
            if field.name.isEmpty || field.name.utf8.contains(where: { $0 <= 0x20 || $0 == 0x3a || $0 == 0x7f }) {
                throw AWSError.configuration(
                    detail: "cannot sign request: header name '\(field.name)' is empty or has spaces, ':' or "
                        + "control characters")
            }
            if field.value.utf8.contains(where: { $0 == 0x0a || $0 == 0x0d || $0 == 0 }) {
                throw AWSError.configuration(
                    detail: "cannot sign request: the value of header \(field.name) has a line break or NUL byte")
            }
        }
    }

    /// The canonical header block (`name:value\n` per name, sorted) and the `;`-joined signed header names.
    ///
    /// Names are lowercased; values are trimmed and repeated names joined with `,` in their original order.
    static func canonicalHeaders(_ fields: [HTTPField]) -> (lines: String, signedHeaders: String) {
        var grouped: [String: [String]] = [:]
        for field in fields {
            let name = field.name.lowercased()
            if name == "authorization" || name.isEmpty { continue }
            grouped[name, default: []].append(trimmedHeaderValue(field.value))
        }
        let names = grouped.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let lines = names.map { "\($0):\(grouped[$0, default: []].joined(separator: ","))\n" }.joined()
        return (lines, names.joined(separator: ";"))
    }

    /// Trims leading and trailing whitespace and folds inner runs of whitespace to one space, as SigV4 requires.
    static func trimmedHeaderValue(_ value: String) -> String {
        var out: [UInt8] = []
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A UTC calendar date and time of day, computed without Foundation's calendar.
private struct UTCComponents {
    let day: String
    let time: String

    init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Civil-from-days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        day = pad(y, 4) + pad(m, 2) + pad(d, 2)
        time = pad(secondOfDay / 3_600, 2) + pad(secondOfDay % 3_600 / 60, 2) + pad(secondOfDay % 60, 2)
    }
}
