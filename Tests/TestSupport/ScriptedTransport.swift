package import AWSCore
import Synchronization
import Testing

/// A fake `HTTPTransport` that answers a fixed script of AWS Query requests, in order.
///
/// Each step names the `Action` it expects and the form parameters it checks (a `nil` value means the
/// parameter must be absent). An unexpected request, a wrong action or a wrong parameter is recorded as a
/// test issue and answered with a transport error, so a forgotten step can never pass silently. Unlike
/// `FakeTransport`, the order of the requests is part of the script.
package final class ScriptedTransport: HTTPTransport {
    /// One expected request and its answer.
    package struct Step: Sendable {
        /// The `Action` the request must have.
        package var action: String
        /// Form parameters the request must have (`nil`: must not have).
        package var expect: [String: String?]
        /// The answer.
        package var answer: Result<HTTPResponse, AWSError>

        /// Creates a step from its parts.
        package init(action: String, expect: [String: String?], answer: Result<HTTPResponse, AWSError>) {
            self.action = action
            self.expect = expect
            self.answer = answer
        }

        /// A step answering with `body` and `status`.
        package static func body(
            _ action: String, _ body: String, status: Int = 200, expect: [String: String?] = [:]
        ) -> Self {
            Self(action: action, expect: expect, answer: .success(HTTPResponse(status: status, body: Array(body.utf8))))
        }

        /// A step failing with a transport error, as when the network is down.
        package static func failure(_ action: String, _ error: AWSError) -> Self {
            Self(action: action, expect: [:], answer: .failure(error))
        }
    }

    /// The steps left and what was sent.
    private struct State {
        var steps: [Step]
        var requests: [HTTPRequest] = []
        var timeouts: [HTTPTimeouts] = []
    }

    private let state: Mutex<State>

    /// Creates a transport that expects exactly `steps`, in order.
    package init(_ steps: [Step]) {
        state = Mutex(State(steps: steps))
    }

    /// Every request sent so far, in order.
    package var requests: [HTTPRequest] { state.withLock { $0.requests } }
    /// The timeouts of every request so far.
    package var timeouts: [HTTPTimeouts] { state.withLock { $0.timeouts } }
    /// Steps not yet used; a finished test expects zero.
    package var remaining: Int { state.withLock { $0.steps.count } }

    /// Checks the request against the next step and answers with it; anything unexpected fails the test.
    package func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) throws -> HTTPResponse {
        let step: Step? = state.withLock { state in
            state.requests.append(request)
            state.timeouts.append(timeouts)
            return state.steps.isEmpty ? nil : state.steps.removeFirst()
        }
        let form = Self.form(of: request)
        guard let step else {
            Issue.record("ScriptedTransport: unexpected request \(form["Action"] ?? "?") to \(request.url)")
            throw AWSError.transport(detail: "ScriptedTransport: no step left")
        }
        guard form["Action"] == step.action else {
            Issue.record("ScriptedTransport: expected Action \(step.action), got \(form["Action"] ?? "none")")
            throw AWSError.transport(detail: "ScriptedTransport: wrong action")
        }
        for (name, value) in step.expect where form[name] != value {
            let actual = form[name] ?? "absent"
            let wanted = value ?? "absent"
            Issue.record("ScriptedTransport: \(step.action) parameter \(name) is \(actual), expected \(wanted)")
        }
        return try step.answer.get()
    }

    /// The decoded form parameters of a Query request body (last value wins).
    package static func form(of request: HTTPRequest) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in FormEncoding.decode(String(decoding: request.body, as: UTF8.self)) {
            result[name] = value
        }
        return result
    }
}
