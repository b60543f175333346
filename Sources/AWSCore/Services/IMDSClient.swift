import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A client of the EC2 instance metadata service, IMDSv2 only (session token on every request).
///
/// The token (`PUT /latest/api/token`, TTL 300 s) is cached until shortly before it ends and shared across
/// threads; a 401 answer discards it, fetches a new one and retries the request once.
public final class IMDSClient: Sendable {
    /// The base URL without a trailing slash, for example `http://169.254.169.254`.
    public let endpoint: String
    private let transport: any HTTPTransport
    private let time: any TimeSource
    private let cachedToken = Mutex<CachedToken?>(nil)

    /// The token lifetime asked for, in seconds.
    static let tokenTTL = 300
    /// How long before its end a token is replaced, in seconds.
    static let tokenRefreshMargin = 30.0

    private struct CachedToken {
        let value: String
        let expiresAt: Double  // monotonic seconds
    }

    /// Creates a client for `endpoint` (a trailing slash is trimmed).
    public init(endpoint: String, transport: any HTTPTransport, time: any TimeSource) {
        var endpoint = endpoint
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        self.endpoint = endpoint
        self.transport = transport
        self.time = time
    }

    /// The client `environment` asks for, or `nil` when `AWS_EC2_METADATA_DISABLED` is `true`.
    ///
    /// The endpoint is `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else `http://[fd00:ec2::254]` when
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` is `IPv6`, else `http://169.254.169.254`.
    public static func fromEnvironment(
        _ environment: [String: String], transport: any HTTPTransport, time: any TimeSource
    ) -> IMDSClient? {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" { return nil }
        var endpoint = "http://169.254.169.254"
        if environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6" {
            endpoint = "http://[fd00:ec2::254]"
        }
        if let explicit = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"], !explicit.isEmpty {
            endpoint = explicit
        }
        return IMDSClient(endpoint: endpoint, transport: transport, time: time)
    }

    /// The body of `GET path` (for example `/latest/meta-data/instance-id`) as text.
    ///
    /// Throws `AWSError.httpStatus` for any status but 200 (404 included), `.transport` or `.timeout`.
    public func get(_ path: String) throws -> String {
        guard let body = try getIfPresent(path) else {
            throw AWSError.httpStatus(status: 404, detail: "IMDS \(url(path)) not found")
        }
        return body
    }

    /// The body of `GET path` as text, or `nil` when IMDS answers 404.
    public func getIfPresent(_ path: String) throws -> String? {
        guard endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") else {
            throw AWSError.configuration(
                detail: "IMDS endpoint '\(endpoint)' is not an http:// URL; fix AWS_EC2_METADATA_SERVICE_ENDPOINT, "
                    + "for example http://169.254.169.254")
        }
        var response = try send(path: path, token: token())
        if response.status == 401 {
            discardToken()
            response = try send(path: path, token: token())
        }
        switch response.status {
        case 200: return String(decoding: response.body, as: UTF8.self)
        case 404: return nil
        default:
            throw AWSError.httpStatus(
                status: response.status, detail: "IMDS GET \(url(path)): \(Self.snippet(response.body))")
        }
    }

    /// The instance id, for example `i-0123456789abcdef0`.
    public func instanceID() throws -> String {
        let id = trimmed(try get("/latest/meta-data/instance-id"))
        guard !id.isEmpty else {
            throw AWSError.malformedResponse(detail: "IMDS \(url("/latest/meta-data/instance-id")) is empty")
        }
        return id
    }

    /// The instance's region, from the instance identity document or else from `placement/region`.
    public func region() throws -> String {
        let documentPath = "/latest/dynamic/instance-identity/document"
        do {
            if let document = try getIfPresent(documentPath),
                let parsed = try? JSONDecoder().decode(IdentityDocument.self, from: Data(document.utf8)),
                let region = parsed.region, !region.isEmpty
            {
                return region
            }
        } catch AWSError.httpStatus {
            // Some IMDS emulators do not serve the identity document; placement/region still answers.
        }
        let region = trimmed(try get("/latest/meta-data/placement/region"))
        guard !region.isEmpty else {
            throw AWSError.malformedResponse(detail: "IMDS \(url("/latest/meta-data/placement/region")) is empty")
        }
        return region
    }

    /// The value of instance tag `key`, or `nil` when the tag is absent or tags in metadata are off.
    public func instanceTag(_ key: String) throws -> String? {
        try getIfPresent("/latest/meta-data/tags/instance/" + SigV4URL.uriEncode(key))
    }

    /// The name of the IAM role attached to the instance, or `nil` when there is none.
    public func roleName() throws -> String? {
        guard let list = try getIfPresent("/latest/meta-data/iam/security-credentials/") else { return nil }
        let first = list.split(whereSeparator: \.isNewline).map { trimmed(String($0)) }
            .first { !$0.isEmpty }
        return first
    }

    /// The temporary credentials of the instance's IAM role.
    ///
    /// Throws `AWSError.configuration` when no role is attached, `.malformedResponse` for an unreadable
    /// answer and `.service` when IMDS reports a `Code` other than `Success`.
    public func roleCredentials() throws -> Credentials {
        guard let role = try roleName() else {
            throw AWSError.configuration(
                detail:
                    "no IAM role attached to this instance (IMDS \(url("/latest/meta-data/iam/security-credentials/")) "
                    + "is empty or 404); attach an instance profile or configure credentials")
        }
        return try roleCredentials(role: role)
    }

    /// The temporary credentials of IAM role `role`, read from IMDS.
    public func roleCredentials(role: String) throws -> Credentials {
        let path = "/latest/meta-data/iam/security-credentials/" + SigV4URL.uriEncode(role)
        let body = try get(path)
        let document: RoleCredentialsDocument
        do {
            document = try JSONDecoder().decode(RoleCredentialsDocument.self, from: Data(body.utf8))
        } catch {
            throw AWSError.malformedResponse(
                detail: "IMDS \(url(path)) is not role credentials JSON: \(Self.snippet(Array(body.utf8)))")
        }
        if let code = document.code, code != "Success" {
            throw AWSError.service(
                code: code, message: "IMDS could not provide credentials for role \(role): \(document.message ?? "")",
                requestID: nil, status: 200)
        }
        guard let keyID = document.accessKeyID, !keyID.isEmpty, let secret = document.secretAccessKey,
            !secret.isEmpty, let token = document.token, !token.isEmpty
        else {
            throw AWSError.malformedResponse(
                detail: "IMDS \(url(path)) lacks AccessKeyId, SecretAccessKey or Token")
        }
        guard let expirationText = document.expiration, let expiration = Self.parseTimestamp(expirationText) else {
            throw AWSError.malformedResponse(
                detail: "IMDS \(url(path)) has no valid ISO-8601 Expiration: \(document.expiration ?? "missing")")
        }
        return Credentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }

    // MARK: - Token and requests

    private func token() throws -> String {
        let now = time.monotonicSeconds()
        if let cached = cachedToken.withLock({ $0 }), cached.expiresAt > now { return cached.value }
        let request = HTTPRequest(
            method: "PUT", url: url("/latest/api/token"),
            headers: [HTTPField("X-aws-ec2-metadata-token-ttl-seconds", String(Self.tokenTTL))])
        let response = try transport.send(request, timeouts: .imds)
        guard response.status == 200 else {
            throw AWSError.httpStatus(
                status: response.status,
                detail: "IMDSv2 token request PUT \(request.url) failed (IMDSv2 is required; "
                    + "a 403 means the metadata service is turned off for this instance): \(Self.snippet(response.body))"
            )
        }
        let value = trimmed(String(decoding: response.body, as: UTF8.self))
        guard !value.isEmpty else {
            throw AWSError.malformedResponse(detail: "IMDSv2 token from PUT \(request.url) is empty")
        }
        let cached = CachedToken(value: value, expiresAt: now + Double(Self.tokenTTL) - Self.tokenRefreshMargin)
        cachedToken.withLock { $0 = cached }
        return value
    }

    private func discardToken() {
        cachedToken.withLock { $0 = nil }
    }

    private func send(path: String, token: String) throws -> HTTPResponse {
        let request = HTTPRequest(
            method: "GET", url: url(path), headers: [HTTPField("X-aws-ec2-metadata-token", token)])
        return try transport.send(request, timeouts: .imds)
    }

    private func url(_ path: String) -> String {
        endpoint + (path.hasPrefix("/") ? path : "/" + path)
    }

    private func trimmed(_ text: String) -> String {
        String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    /// The start of a body for error messages.
    static func snippet(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return text.isEmpty ? "(empty body)" : text
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`, as IMDS and STS write expiry times.
    static func parseTimestamp(_ text: String) -> Date? {
        let chars = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= chars.count else { return nil }
            var value = 0
            for byte in chars[start..<(start + count)] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func byte(_ index: Int) -> UInt8? { index < chars.count ? chars[index] : nil }
        guard let year = number(0, 4), byte(4) == UInt8(ascii: "-"), let month = number(5, 2),
            byte(7) == UInt8(ascii: "-"), let day = number(8, 2), byte(10) == UInt8(ascii: "T"),
            let hour = number(11, 2), byte(13) == UInt8(ascii: ":"), let minute = number(14, 2),
            byte(16) == UInt8(ascii: ":"), let second = number(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if byte(index) == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while let digit = byte(index), digit >= 48 && digit <= 57 {
                fraction += Double(digit - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        switch byte(index) {
        case UInt8(ascii: "Z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let hours = number(index + 1, 2), byte(index + 3) == UInt8(ascii: ":"),
                let minutes = number(index + 4, 2)
            else { return nil }
            offset = (hours * 3_600 + minutes * 60) * (byte(index) == UInt8(ascii: "+") ? 1 : -1)
            index += 6
        default:
            return nil
        }
        guard index == chars.count else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}

/// The fields of the instance identity document that are used.
private struct IdentityDocument: Decodable {
    let region: String?
}

/// The JSON IMDS returns for a role's credentials.
private struct RoleCredentialsDocument: Decodable {
    let code: String?
    let message: String?
    let accessKeyID: String?
    let secretAccessKey: String?
    let token: String?
    let expiration: String?

    enum CodingKeys: String, CodingKey {
        case code = "Code"
        case message = "Message"
        case accessKeyID = "AccessKeyId"
        case secretAccessKey = "SecretAccessKey"
        case token = "Token"
        case expiration = "Expiration"
    }
}
