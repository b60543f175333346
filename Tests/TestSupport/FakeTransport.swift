package import AWSCore
import Synchronization
import Testing

/// An HTTP transport that answers from queues of replies, one queue per request key, and records every request.
///
/// The key of a request is `METHOD URL` by default, or what `keyedBy` makes of it (see `queryKey`). Each reply
/// answers once, in the order queued. Fail-loud: a request with no reply left is recorded as a test failure and
/// answered with a transport error. A transport made with a `respond` closure answers every request from it instead.
package final class FakeTransport: HTTPTransport {
    /// One scripted answer.
    package enum Reply: Sendable {
        /// An HTTP response.
        case response(HTTPResponse)
        /// A transport failure, as when the network is down.
        case failure(AWSError)
    }

    /// Everything queued and seen.
    private struct State {
        var replies: [String: [Reply]] = [:]
        var requests: [HTTPRequest] = []
        var keys: [String] = []
        var timeouts: [HTTPTimeouts] = []
    }

    private let state = Mutex(State())
    private let key: @Sendable (HTTPRequest) -> String
    private let respond: (@Sendable (HTTPRequest, HTTPTimeouts) throws -> HTTPResponse)?

    /// Creates a transport that answers only what a test queues with `on`, keying requests with `keyedBy`.
    package init(keyedBy key: @escaping @Sendable (HTTPRequest) -> String = FakeTransport.methodAndURL) {
        self.key = key
        self.respond = nil
    }

    /// Creates a transport that answers every request from `respond` (given the request and its time limits).
    package init(_ respond: @escaping @Sendable (HTTPRequest, HTTPTimeouts) throws -> HTTPResponse) {
        self.key = FakeTransport.methodAndURL
        self.respond = respond
    }

    /// The default key: `METHOD URL`.
    package static func methodAndURL(_ request: HTTPRequest) -> String {
        "\(request.method) \(request.url)"
    }

    /// The key of an AWS Query request: its `Action`, then `:GroupName` and `@Marker` when the form body has them.
    package static func queryKey(_ request: HTTPRequest) -> String {
        let form = ScriptedTransport.form(of: request)
        return (form["Action"] ?? "?") + (form["GroupName"].map { ":" + $0 } ?? "")
            + (form["Marker"].map { "@" + $0 } ?? "")
    }

    /// Queues `reply` for the next request with key `key`.
    package func on(_ key: String, _ reply: Reply) {
        state.withLock { $0.replies[key, default: []].append(reply) }
    }

    /// Queues `response` for the next request with key `key`.
    package func on(_ key: String, _ response: HTTPResponse) {
        on(key, .response(response))
    }

    /// Queues `reply` for the next `method url` request.
    package func on(_ method: String, _ url: String, _ reply: Reply) {
        on("\(method) \(url)", reply)
    }

    /// Queues a response with `status` and `body` for the next `method url` request.
    package func on(_ method: String, _ url: String, status: Int = 200, body: String) {
        on(method, url, .response(HTTPResponse(status: status, body: Array(body.utf8))))
    }

    /// The requests sent so far, in order.
    package var requests: [HTTPRequest] { state.withLock { $0.requests } }

    /// The key of each request so far, in order.
    package var keys: [String] { state.withLock { $0.keys } }

    /// The time limits each request was sent with.
    package var timeouts: [HTTPTimeouts] { state.withLock { $0.timeouts } }

    /// Records the request and answers it from its queue (or the `respond` closure); fails the test when none is left.
    package func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) throws -> HTTPResponse {
        let key = key(request)
        let reply: Reply? = state.withLock { state in
            state.requests.append(request)
            state.keys.append(key)
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
            if let respond { return try respond(request, timeouts) }
            Issue.record("FakeTransport: unexpected request \(key)")
            throw AWSError.transport(detail: "FakeTransport: unexpected request \(key)")
        }
    }
}
