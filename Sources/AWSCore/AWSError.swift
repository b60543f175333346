/// Every error AWSCore reports; its description says what failed, where, and names the AWS error code.
public enum AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No HTTP response: DNS, connect, TLS or read failure. `detail` names the host and the cause.
    case transport(detail: String)
    /// The connect or total time limit of one request ran out. `detail` names the host.
    case timeout(detail: String)
    /// AWS answered with an error document (`<ErrorResponse><Error><Code>…`).
    case service(code: String, message: String, requestID: String?, status: Int)
    /// An HTTP error status whose body is not an AWS error document.
    case httpStatus(status: Int, detail: String)
    /// The response is not the document we expect (bad XML, missing element, bad JSON).
    case malformedResponse(detail: String)
    /// No credentials source had credentials; `tried` lists each source and why it gave none.
    case noCredentials(tried: [String])
    /// A setting (endpoint, region, profile, URL) is unusable; `detail` says which and why.
    case configuration(detail: String)
    /// The overall deadline for an operation ran out, after `attempts` tries; `last` is the last failure.
    case deadlineExceeded(operation: String, attempts: Int, last: String)

    /// The AWS error code, when AWS sent one.
    public var code: String? {
        if case .service(let code, _, _, _) = self { return code }
        return nil
    }

    /// A human-readable sentence naming the failure and, for AWS errors, the error code.
    public var description: String {
        switch self {
        case .transport(let detail):
            return "network error: \(detail)"
        case .timeout(let detail):
            return "timed out: \(detail)"
        case .service(let code, let message, let requestID, let status):
            let id = requestID.map { ", request id \($0)" } ?? ""
            return "AWS error \(code) (HTTP \(status)\(id)): \(message)"
        case .httpStatus(let status, let detail):
            return "HTTP \(status): \(detail)"
        case .malformedResponse(let detail):
            return "unexpected response: \(detail)"
        case .noCredentials(let tried):
            return "no AWS credentials found; tried: " + tried.joined(separator: "; ")
        case .configuration(let detail):
            return "configuration error: \(detail)"
        case .deadlineExceeded(let operation, let attempts, let last):
            return "\(operation) did not succeed within its deadline after \(attempts) attempt(s); last error: \(last)"
        }
    }
}
