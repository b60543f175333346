import Synchronization
import Testing

@testable import AWSCore

/// A scripted HTTP transport for the credentials tests: each `METHOD URL` has a queue of replies.
///
/// A request with no reply left is recorded as a test failure and answered with a transport error.
final class CredsFakeTransport: HTTPTransport {
    enum Reply: Sendable {
        case response(HTTPResponse)
        case failure(AWSError)
    }

    private struct State {
        var replies: [String: [Reply]] = [:]
        var requests: [HTTPRequest] = []
        var timeouts: [HTTPTimeouts] = []
    }

    private let state = Mutex(State())

    /// Queues `reply` for the next `method url` request.
    func on(_ method: String, _ url: String, _ reply: Reply) {
        state.withLock { $0.replies["\(method) \(url)", default: []].append(reply) }
    }

    /// Queues a 200 response with `body` for the next `method url` request.
    func on(_ method: String, _ url: String, status: Int = 200, body: String) {
        on(method, url, .response(HTTPResponse(status: status, body: Array(body.utf8))))
    }

    /// The requests sent so far, in order.
    var requests: [HTTPRequest] { state.withLock { $0.requests } }

    /// The timeouts each request was sent with.
    var timeouts: [HTTPTimeouts] { state.withLock { $0.timeouts } }

    /// `METHOD URL` of each request so far.
    var lines: [String] { requests.map { "\($0.method) \($0.url)" } }

    func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) throws -> HTTPResponse {
        let key = "\(request.method) \(request.url)"
        let reply: Reply? = state.withLock { state in
            state.requests.append(request)
            state.timeouts.append(timeouts)
            guard var queue = state.replies[key], !queue.isEmpty else { return nil }
            let next = queue.removeFirst()
            state.replies[key] = queue
            return next
        }
        switch reply {
        case .response(let response):
            return response
        case .failure(let error):
            throw error
        case nil:
            Issue.record("unexpected request \(key)")
            throw AWSError.transport(detail: "CredsFakeTransport: unexpected request \(key)")
        }
    }
}
