#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Signs HTTP requests with AWS Signature Version 4, in numbered stages that are each testable on their own.
///
/// Only the headers the request carries are signed (plus `host` and `x-amz-date`, which signing adds when
/// missing). The signing date is always a parameter; the signer never reads the clock.
public struct SigV4Signer: Sendable {
    /// The credentials to sign with.
    public var credentials: Credentials
    /// The signing region, for example `us-east-1`.
    public var region: String
    /// The signing service name, for example `iam`, `sts`, `ec2`.
    public var service: String

    /// Creates a signer for one credential scope.
    public init(credentials: Credentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Returns `request` with `X-Amz-Date`, `Host` (when missing), `X-Amz-Security-Token` (for temporary
    /// credentials) and `Authorization` set for `date`.
    public func signed(_ request: HTTPRequest, date: Date) throws -> HTTPRequest {
        var request = request
        let stamp = SigV4Signer.timestamp(date)
        request.headers.removeAll { $0.name.lowercased() == "x-amz-date" || $0.name.lowercased() == "authorization" }
        request.headers.append(HTTPField("X-Amz-Date", stamp))
        let parts = try SigV4URL(request.url)
        if request.header("host") == nil {
            request.headers.insert(HTTPField("Host", parts.authority), at: 0)
        }
        if let token = credentials.sessionToken, request.header("x-amz-security-token") == nil {
            request.headers.append(HTTPField("X-Amz-Security-Token", token))
        }
        let canonical = try canonicalRequest(request)
        let toSign = stringToSign(canonicalRequest: canonical.text, date: date)
        let signature = Digest.hex(Digest.hmacSHA256(key: signingKey(date: date), data: Array(toSign.utf8)))
        let scope = credentialScope(date: date)
        request.headers.append(
            HTTPField(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
                    + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"))
        return request
    }

    /// Stage 1: the canonical request and the `;`-joined list of signed header names.
    public func canonicalRequest(_ request: HTTPRequest) throws -> (text: String, signedHeaders: String) {
        let parts = try SigV4URL(request.url)
        var grouped: [String: [String]] = [:]
        for field in request.headers {
            let name = field.name.lowercased()
            if name == "authorization" { continue }
            grouped[name, default: []].append(SigV4Signer.trimmedHeaderValue(field.value))
        }
        let names = grouped.keys.sorted()
        let headerLines = names.map { "\($0):\(grouped[$0, default: []].joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let payloadHash = Digest.hex(Digest.sha256(request.body))
        let text = [
            request.method.uppercased(),
            parts.canonicalPath,
            parts.canonicalQuery,
            headerLines,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        return (text, signedHeaders)
    }

    /// Stage 2: the string to sign for a canonical request at `date`.
    public func stringToSign(canonicalRequest: String, date: Date) -> String {
        [
            "AWS4-HMAC-SHA256",
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

    /// Trims leading and trailing whitespace and folds inner runs of spaces, as SigV4 requires.
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
