#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads and writes single S3 objects (`GetObject`, `PutObject`) over the REST protocol, signed with SigV4.
///
/// S3's signing rules apply: the path is not normalised and is URI-encoded once, and every request carries and
/// signs `x-amz-content-sha256` with the SHA-256 of its body (never `UNSIGNED-PAYLOAD`). The bucket is named in the
/// host or the path as `addressing` says (see `S3AddressingStyle`). With `expectedBucketOwner` set, every request
/// carries `x-amz-expected-bucket-owner`, so S3 refuses (403 AccessDenied) a bucket of another account. Each
/// attempt (credentials, signing, sending, decoding) runs inside `retry.run("s3:<Operation>")`, like `QueryClient`.
public struct S3Client: S3ObjectReading, S3ObjectWriting {
    /// The S3 endpoint of the region (or the override URL) and its signing scope.
    public let endpoint: ServiceEndpoint
    /// Virtual-hosted or path-style addressing.
    public let addressing: S3AddressingStyle
    /// The 12-digit account id the bucket must belong to, sent as `x-amz-expected-bucket-owner`; nil sends none.
    public let expectedBucketOwner: String?
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

    /// The most user metadata S3 accepts on one object: 2 KB of names and values.
    public static let maximumMetadataBytes = 2_048

    /// Creates a client for one S3 endpoint (see `EndpointResolver.resolve(.s3, …)`).
    public init(
        endpoint: ServiceEndpoint, addressing: S3AddressingStyle = .automatic, expectedBucketOwner: String? = nil,
        credentials: any CredentialsProvider, transport: any HTTPTransport, retry: any RetryExecuting,
        time: any TimeSource, timeouts: HTTPTimeouts = .api
    ) {
        self.endpoint = endpoint
        self.addressing = addressing
        self.expectedBucketOwner = expectedBucketOwner
        self.credentials = credentials
        self.transport = transport
        self.retry = retry
        self.time = time
        self.timeouts = timeouts
    }

    /// Gets the object at `location`; with `ifNoneMatch` (an ETag) sends `If-None-Match` and returns
    /// `.notModified` on a 304.
    ///
    /// Throws `AWSError.service` with S3's code (`NoSuchKey`, `NoSuchBucket`, `AccessDenied`, …),
    /// `AWSError.httpStatus` for an error without an S3 error document, `AWSError.malformedResponse` for a 304 to a
    /// request that sent no ETag, and `AWSError.configuration` for a location or ETag that cannot be sent.
    public func getObject(_ location: S3Location, ifNoneMatch: String?) throws -> S3GetResult {
        var headers: [HTTPField] = []
        if let ifNoneMatch {
            try S3Client.validateHeaderValue(ifNoneMatch, what: "the ETag for If-None-Match")
            headers.append(HTTPField("If-None-Match", ifNoneMatch))
        }
        let request = try makeRequest("GET", location, headers: headers, body: [])
        let operation = "s3:GetObject"
        return try retry.run(operation) {
            let response = try send(request)
            if response.status == 304 {
                guard ifNoneMatch != nil else {
                    throw AWSError.malformedResponse(
                        detail: "\(operation) \(S3Client.describe(location)): 304 Not Modified to a request "
                            + "without If-None-Match")
                }
                return .notModified
            }
            guard (200...299).contains(response.status) else {
                throw S3Client.errorFor(response, operation: operation, location: location)
            }
            return .object(
                S3Object(
                    body: response.body, etag: response.header("etag"), metadata: S3Client.metadata(of: response)))
        }
    }

    /// Puts `body` at `location` in one request with `Content-Type: contentType` and `metadata` as
    /// `x-amz-meta-NAME` headers; returns the ETag S3 sent.
    ///
    /// Metadata names must be lowercase letters, digits, `-` and `_`; values printable ASCII without leading or
    /// trailing blanks (S3 would change them otherwise); at most `maximumMetadataBytes` in all. Throws
    /// `AWSError.configuration` for anything else, `AWSError.service` with S3's code when S3 refuses.
    public func putObject(
        _ location: S3Location, body: [UInt8], contentType: String, metadata: [String: String]
    ) throws -> String? {
        try S3Client.validateHeaderValue(contentType, what: "the Content-Type")
        var headers = [HTTPField("Content-Type", contentType)]
        var metadataBytes = 0
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) {
            try S3Client.validateMetadata(name: name, value: value)
            metadataBytes += name.utf8.count + value.utf8.count
            headers.append(HTTPField("x-amz-meta-\(name)", value))
        }
        guard metadataBytes <= S3Client.maximumMetadataBytes else {
            throw AWSError.configuration(
                detail: "S3 metadata for \(S3Client.describe(location)) is \(metadataBytes) bytes; S3 accepts at "
                    + "most \(S3Client.maximumMetadataBytes)")
        }
        let request = try makeRequest("PUT", location, headers: headers, body: body)
        let operation = "s3:PutObject"
        return try retry.run(operation) {
            let response = try send(request)
            guard (200...299).contains(response.status) else {
                throw S3Client.errorFor(response, operation: operation, location: location)
            }
            return response.header("etag")
        }
    }

    /// The unsigned request for `method` on `location`, with `headers` and the expected bucket owner.
    func makeRequest(_ method: String, _ location: S3Location, headers: [HTTPField], body: [UInt8]) throws
        -> HTTPRequest
    {
        let url = try S3Addressing.url(endpointURL: endpoint.url, style: addressing, location: location)
        var all = headers
        if let owner = expectedBucketOwner {
            guard owner.utf8.count == 12, owner.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw AWSError.configuration(
                    detail: "expected S3 bucket owner '\(owner)' is not a 12-digit AWS account id")
            }
            all.append(HTTPField("x-amz-expected-bucket-owner", owner))
        }
        return HTTPRequest(method: method, url: url, headers: all, body: body)
    }

    /// Signs `request` with current credentials (S3 rules) and sends it.
    func send(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let current = try credentials.credentials() else {
            throw AWSError.noCredentials(tried: [credentials.name])
        }
        let signer = SigV4Signer(
            credentials: current, region: endpoint.signingRegion, service: endpoint.signingName,
            normalizesPath: false, addsContentSHA256Header: true)
        return try transport.send(try signer.signed(request, date: time.now()), timeouts: timeouts)
    }

    /// The user metadata of `response`: every `x-amz-meta-NAME` header, keyed by lowercased NAME.
    static func metadata(of response: HTTPResponse) -> [String: String] {
        var result: [String: String] = [:]
        let prefix = "x-amz-meta-"
        for field in response.headers {
            let name = field.name.lowercased()
            guard name.hasPrefix(prefix), name.count > prefix.count else { continue }
            result[String(name.dropFirst(prefix.count))] = field.value
        }
        return result
    }

    /// The error for a non-2xx S3 response, naming the object.
    ///
    /// `service` for an S3 error document (`<Error><Code/><Message/><RequestId/></Error>`, or the Query form
    /// `<ErrorResponse><Error>…` that proxies send), else `httpStatus` quoting a bounded excerpt of the body.
    static func errorFor(_ response: HTTPResponse, operation: String, location: S3Location) -> AWSError {
        if let root = try? XMLReader.parse(response.body),
            let error = root.name == "Error" ? root : (root.name == "ErrorResponse" ? root.child("Error") : nil),
            let code = error.text(of: "Code"), !code.isEmpty
        {
            let requestID =
                error.text(of: "RequestId") ?? root.text(of: "RequestId") ?? response.header("x-amz-request-id")
            let message = QueryClient.excerpt(Array((error.text(of: "Message") ?? "").utf8), limit: 500)
            return .service(
                code: QueryClient.excerpt(Array(code.utf8), limit: 100),
                message: "\(message) (\(operation) \(describe(location)))",
                requestID: requestID.map { QueryClient.excerpt(Array($0.utf8), limit: 100) }, status: response.status)
        }
        let kind = response.header("content-type").map { " (\(QueryClient.excerpt(Array($0.utf8), limit: 60)))" } ?? ""
        let body =
            response.body.isEmpty
            ? "empty body" : "body: \(QueryClient.excerpt(response.body, limit: QueryClient.excerptLimit))"
        return .httpStatus(
            status: response.status,
            detail: "\(operation) \(describe(location)): not an S3 error document\(kind); \(body)")
    }

    /// `s3://bucket/key`, bounded and printable, for messages.
    static func describe(_ location: S3Location) -> String {
        QueryClient.excerpt(Array("s3://\(location.bucket)/\(location.key)".utf8), limit: 200)
    }

    /// Throws `AWSError.configuration` unless `value` is printable ASCII without leading or trailing blanks.
    static func validateHeaderValue(_ value: String, what: String) throws {
        let printable = value.utf8.allSatisfy { (0x20...0x7e).contains($0) }
        guard printable, !value.hasPrefix(" "), !value.hasSuffix(" ") else {
            throw AWSError.configuration(
                detail: "\(what) '\(QueryClient.excerpt(Array(value.utf8), limit: 100))' must be printable ASCII "
                    + "without leading or trailing blanks")
        }
    }

    /// Throws `AWSError.configuration` for a metadata name S3 would change or a value it cannot carry unchanged.
    static func validateMetadata(name: String, value: String) throws {
        let nameOK =
            !name.isEmpty
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "_")
            }
        guard nameOK else {
            throw AWSError.configuration(
                detail: "S3 metadata name '\(QueryClient.excerpt(Array(name.utf8), limit: 100))' must be lowercase "
                    + "letters, digits, '-' and '_'")
        }
        try validateHeaderValue(value, what: "the value of S3 metadata \(name)")
    }
}
