#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Calls AWS KMS over the JSON 1.1 protocol: `Sign` (ECDSA_SHA_256, `MessageType=RAW`) and `GetPublicKey`.
///
/// Every call is a signed `POST /` with `X-Amz-Target: TrentService.<Operation>` and
/// `Content-Type: application/x-amz-json-1.1`. An error answer (`{"__type": "…#Code", "message": "…"}`) becomes
/// `AWSError.service` with the code (any `prefix#` stripped). Each attempt runs inside
/// `retry.run("kms:<Operation>")`, like `QueryClient`, so throttling is retried and each attempt signed afresh.
public struct KMSClient: KMSSigning {
    /// The KMS endpoint of the region (or the override URL) and its signing scope.
    public let endpoint: ServiceEndpoint
    /// The source of credentials, asked on every attempt.
    public let credentials: any CredentialsProvider
    /// Sends the HTTP requests.
    public let transport: any HTTPTransport
    /// Runs each call with retries.
    public let retry: any RetryExecuting
    /// Supplies the signing date.
    public let time: any TimeSource
    /// Time limits for each HTTP exchange.
    public let timeouts: HTTPTimeouts

    /// The longest message KMS signs with `MessageType=RAW`, in bytes.
    public static let maximumRawMessageBytes = 4_096
    /// The only signing algorithm used.
    public static let signingAlgorithm = "ECDSA_SHA_256"

    /// Creates a client for one KMS endpoint (see `EndpointResolver.resolve(.kms, …)`).
    public init(
        endpoint: ServiceEndpoint, credentials: any CredentialsProvider, transport: any HTTPTransport,
        retry: any RetryExecuting, time: any TimeSource, timeouts: HTTPTimeouts = .api
    ) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.transport = transport
        self.retry = retry
        self.time = time
        self.timeouts = timeouts
    }

    /// Signs `message` with `keyID` (`ECDSA_SHA_256`, `MessageType=RAW`); returns the DER ECDSA signature.
    ///
    /// Throws `AWSError.configuration` for an empty message or one over 4,096 bytes before sending anything,
    /// `AWSError.service` with KMS's code (`NotFoundException`, `InvalidKeyUsageException`, …), and
    /// `AWSError.malformedResponse` for an answer without a base64 `Signature` or with another algorithm.
    public func sign(keyID: String, message: [UInt8]) throws -> [UInt8] {
        guard (1...KMSClient.maximumRawMessageBytes).contains(message.count) else {
            throw AWSError.configuration(
                detail: "kms:Sign: a RAW message must be 1 to \(KMSClient.maximumRawMessageBytes) bytes, not "
                    + "\(message.count); nothing was sent")
        }
        let request = SignRequest(
            keyID: keyID, message: Data(message).base64EncodedString(), messageType: "RAW",
            signingAlgorithm: KMSClient.signingAlgorithm)
        let response: SignResponse = try call("Sign", request)
        if let algorithm = response.signingAlgorithm, algorithm != KMSClient.signingAlgorithm {
            throw AWSError.malformedResponse(
                detail: "kms:Sign answered with algorithm \(QueryClient.excerpt(Array(algorithm.utf8), limit: 60)), "
                    + "not \(KMSClient.signingAlgorithm)")
        }
        return try KMSClient.base64(response.signature, field: "Signature", operation: "kms:Sign")
    }

    /// The public key of `keyID` as DER `SubjectPublicKeyInfo` (`GetPublicKey`).
    public func publicKey(keyID: String) throws -> [UInt8] {
        let response: PublicKeyResponse = try call("GetPublicKey", KeyRequest(keyID: keyID))
        return try KMSClient.base64(response.publicKey, field: "PublicKey", operation: "kms:GetPublicKey")
    }

    /// Calls `operation` with `request` encoded as JSON and decodes the answer as `Response`.
    ///
    /// Public so that tests and tools can make other KMS calls (for example `CreateKey` against an emulator).
    public func call<Request: Encodable, Response: Decodable>(_ operation: String, _ request: Request) throws
        -> Response
    {
        let name = "kms:\(operation)"
        let body = try JSONEncoder().encode(request)
        let http = HTTPRequest(
            method: "POST", url: KMSClient.baseURL(endpoint.url) + "/",
            headers: [
                HTTPField("Content-Type", "application/x-amz-json-1.1"),
                HTTPField("X-Amz-Target", "TrentService.\(operation)"),
            ],
            body: Array(body))
        return try retry.run(name) {
            guard let current = try credentials.credentials() else {
                throw AWSError.noCredentials(tried: [credentials.name])
            }
            let signer = SigV4Signer(
                credentials: current, region: endpoint.signingRegion, service: endpoint.signingName)
            let response = try transport.send(try signer.signed(http, date: time.now()), timeouts: timeouts)
            guard (200...299).contains(response.status) else {
                throw KMSClient.errorFor(response, operation: name)
            }
            do {
                return try JSONDecoder().decode(Response.self, from: Data(response.body))
            } catch {
                throw AWSError.malformedResponse(
                    detail: "\(name) (HTTP \(response.status)): not the expected JSON document; body: "
                        + QueryClient.excerpt(response.body, limit: QueryClient.excerptLimit))
            }
        }
    }

    /// The error for a non-2xx answer: `service` for a JSON error document (`__type`, `message` or `Message`;
    /// a `prefix#` before the code is dropped) or an XML AWS error document, else `httpStatus` quoting a bounded
    /// excerpt of the body.
    static func errorFor(_ response: HTTPResponse, operation: String) -> AWSError {
        if let document = try? JSONDecoder().decode(ErrorDocument.self, from: Data(response.body)),
            let type = document.type ?? response.header("x-amzn-errortype")
        {
            let code = String(type.split(separator: "#").last ?? "").split(separator: ":").first.map(String.init) ?? ""
            if !code.isEmpty {
                return .service(
                    code: QueryClient.excerpt(Array(code.utf8), limit: 100),
                    message: QueryClient.excerpt(
                        Array((document.message ?? document.capitalMessage ?? "").utf8), limit: 500),
                    requestID: response.header("x-amzn-requestid").map {
                        QueryClient.excerpt(Array($0.utf8), limit: 100)
                    },
                    status: response.status)
            }
        }
        // Emulators and proxies may answer in the Query protocol's XML (moto's signature errors do).
        if case .service = QueryClient.errorFor(response, operation: operation) {
            return QueryClient.errorFor(response, operation: operation)
        }
        let kind = response.header("content-type").map { " (\(QueryClient.excerpt(Array($0.utf8), limit: 60)))" } ?? ""
        let body =
            response.body.isEmpty
            ? "empty body" : "body: \(QueryClient.excerpt(response.body, limit: QueryClient.excerptLimit))"
        return .httpStatus(status: response.status, detail: "\(operation): not a KMS error document\(kind); \(body)")
    }

    /// `url` without trailing slashes.
    static func baseURL(_ url: String) -> String {
        var base = Substring(url)
        while base.hasSuffix("/") { base = base.dropLast() }
        return String(base)
    }

    /// The bytes of the standard base64 `text` of `field`, or `AWSError.malformedResponse` naming it.
    static func base64(_ text: String, field: String, operation: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: text), !data.isEmpty else {
            throw AWSError.malformedResponse(detail: "\(operation): \(field) is not non-empty standard base64")
        }
        return Array(data)
    }
}

/// The body of a `Sign` request.
private struct SignRequest: Encodable {
    let keyID: String
    let message: String
    let messageType: String
    let signingAlgorithm: String

    enum CodingKeys: String, CodingKey {
        case keyID = "KeyId"
        case message = "Message"
        case messageType = "MessageType"
        case signingAlgorithm = "SigningAlgorithm"
    }
}

/// The body of a request naming only a key (`GetPublicKey`).
private struct KeyRequest: Encodable {
    let keyID: String

    enum CodingKeys: String, CodingKey {
        case keyID = "KeyId"
    }
}

/// The part of a `Sign` answer we use.
private struct SignResponse: Decodable {
    let signature: String
    let signingAlgorithm: String?

    enum CodingKeys: String, CodingKey {
        case signature = "Signature"
        case signingAlgorithm = "SigningAlgorithm"
    }
}

/// The part of a `GetPublicKey` answer we use.
private struct PublicKeyResponse: Decodable {
    let publicKey: String

    enum CodingKeys: String, CodingKey {
        case publicKey = "PublicKey"
    }
}

/// A JSON 1.1 error answer: the code in `__type`, the text in `message` (or `Message`).
private struct ErrorDocument: Decodable {
    let type: String?
    let message: String?
    let capitalMessage: String?

    enum CodingKeys: String, CodingKey {
        case type = "__type"
        case message
        case capitalMessage = "Message"
    }
}
