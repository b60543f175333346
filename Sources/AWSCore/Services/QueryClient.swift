#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Calls one AWS Query-protocol service (IAM, STS, EC2): form-encoded POST, SigV4, XML response.
///
/// Each attempt (fetch credentials, sign, send, decode) runs inside `retry.run("<signingName>:<Action>")`, so
/// an error document such as `Throttling` reaches the retry executor as `AWSError.service` and a retried
/// attempt is signed afresh with current credentials.
public struct QueryClient: Sendable {
    /// Where the service is and how requests to it are signed.
    public let endpoint: ServiceEndpoint
    /// The API version sent as `Version`, for example `2010-05-08` for IAM.
    public let apiVersion: String
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

    /// The longest excerpt of an unexpected error body quoted in `AWSError.httpStatus`.
    static let excerptLimit = 160

    /// Creates a client for one service endpoint.
    public init(
        endpoint: ServiceEndpoint, apiVersion: String, credentials: any CredentialsProvider,
        transport: any HTTPTransport, retry: any RetryExecuting, time: any TimeSource, timeouts: HTTPTimeouts = .api
    ) {
        self.endpoint = endpoint
        self.apiVersion = apiVersion
        self.credentials = credentials
        self.transport = transport
        self.retry = retry
        self.time = time
        self.timeouts = timeouts
    }

    /// Calls `action` with `parameters` and returns the `<ActionResult>` element (or the `<ActionResponse>` root
    /// when the action has no result element, as in EC2).
    ///
    /// Throws `AWSError.service` for an AWS error document, `AWSError.httpStatus` for any other non-2xx
    /// response, `AWSError.malformedResponse` for a 2xx body that is not the expected document,
    /// `AWSError.noCredentials` when the provider has none, and whatever the transport or retry executor throws.
    public func call(_ action: String, _ parameters: [(String, String)]) throws -> XMLElement {
        let operation = "\(endpoint.signingName):\(action)"
        let request = makeRequest(action, parameters)
        return try retry.run(operation) {
            guard let current = try credentials.credentials() else {
                throw AWSError.noCredentials(tried: [credentials.name])
            }
            let signer = SigV4Signer(
                credentials: current, region: endpoint.signingRegion, service: endpoint.signingName)
            let signed = try signer.signed(request, date: time.now())
            let response = try transport.send(signed, timeouts: timeouts)
            return try QueryClient.decode(response, action: action, operation: operation)
        }
    }

    /// Runs `body` (decoding of a result), prefixing the detail of a `malformedResponse` with `operation`.
    static func decoding<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch AWSError.malformedResponse(let detail) {
            throw AWSError.malformedResponse(detail: "\(operation): \(detail)")
        }
    }

    /// The unsigned POST request for `action`.
    func makeRequest(_ action: String, _ parameters: [(String, String)]) -> HTTPRequest {
        var base = endpoint.url
        while base.hasSuffix("/") { base.removeLast() }
        let body = FormEncoding.encode([("Action", action), ("Version", apiVersion)] + parameters)
        return HTTPRequest(
            method: "POST", url: base + "/",
            headers: [HTTPField("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Array(body.utf8))
    }

    /// Turns one HTTP response into the result element or the matching `AWSError`.
    static func decode(_ response: HTTPResponse, action: String, operation: String) throws -> XMLElement {
        guard (200...299).contains(response.status) else {
            throw errorFor(response, operation: operation)
        }
        let root: XMLElement
        do {
            root = try XMLReader.parse(response.body)
        } catch AWSError.malformedResponse(let detail) {
            throw AWSError.malformedResponse(detail: "\(operation) (HTTP \(response.status)): \(detail)")
        }
        guard root.name == "\(action)Response" else {
            throw AWSError.malformedResponse(
                detail: "\(operation) (HTTP \(response.status)): expected root element <\(action)Response>, "
                    + "got <\(root.name)>")
        }
        return root.child("\(action)Result") ?? root
    }

    /// The error for a non-2xx response: `service` for an IAM/STS or EC2 error document, else `httpStatus`.
    static func errorFor(_ response: HTTPResponse, operation: String) -> AWSError {
        // IAM and STS: <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>;
        // EC2: <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>;
        // moto's signature errors mix the two: <ErrorResponse><Errors><Error>...
        if let root = try? XMLReader.parse(response.body), root.name == "ErrorResponse" || root.name == "Response",
            let error = root.child("Error") ?? root.child("Errors/Error"), let code = error.text(of: "Code"),
            !code.isEmpty
        {
            // Bounded and printable: these strings end up in logs and in retry decisions.
            let requestID = root.text(of: "RequestId") ?? root.text(of: "RequestID")
            return .service(
                code: excerpt(Array(code.utf8), limit: 100),
                message: excerpt(Array((error.text(of: "Message") ?? "").utf8), limit: 500),
                requestID: requestID.map { excerpt(Array($0.utf8), limit: 100) }, status: response.status)
        }
        let kind = response.header("content-type").map { " (\(excerpt(Array($0.utf8), limit: 60)))" } ?? ""
        let body = response.body.isEmpty ? "empty body" : "body: \(excerpt(response.body, limit: excerptLimit))"
        return .httpStatus(
            status: response.status, detail: "\(operation): not an AWS error document\(kind); \(body)")
    }

    /// A one-line, printable excerpt of at most `limit` characters: control characters become spaces,
    /// runs of white space collapse, and a cut is marked with `...`.
    static func excerpt(_ bytes: [UInt8], limit: Int) -> String {
        var out = ""
        var pendingSpace = false
        var truncated = false
        for scalar in String(decoding: bytes.prefix(limit * 4), as: UTF8.self).unicodeScalars {
            let isSpace =
                scalar.value < 0x20 || scalar.value == 0x20 || scalar.value == 0x7f
                || (0x80..<0xa0).contains(scalar.value) || scalar == "\u{FFFD}"
            if isSpace {
                pendingSpace = !out.isEmpty
                continue
            }
            if out.unicodeScalars.count + (pendingSpace ? 2 : 1) > limit {
                truncated = true
                break
            }
            if pendingSpace { out.unicodeScalars.append(" ") }
            pendingSpace = false
            out.unicodeScalars.append(scalar)
        }
        if truncated || bytes.count > limit * 4 { out += "..." }
        return out
    }
}
