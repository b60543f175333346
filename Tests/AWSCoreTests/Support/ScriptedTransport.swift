import Synchronization
import Testing

@testable import AWSCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A fake `HTTPTransport` that answers a fixed script of Query requests in order.
///
/// Each step names the `Action` it expects and the form parameters it checks (a `nil` value means the
/// parameter must be absent). An unexpected request, a wrong action or a wrong parameter is recorded as a
/// test issue and answered with a transport error, so a forgotten step can never pass silently.
final class ScriptedTransport: HTTPTransport {
    /// One expected request and its answer.
    struct Step: Sendable {
        var action: String
        var expect: [String: String?]
        var answer: Result<HTTPResponse, AWSError>
    }

    private struct State {
        var steps: [Step]
        var requests: [HTTPRequest] = []
        var timeouts: [HTTPTimeouts] = []
    }

    private let state: Mutex<State>

    init(_ steps: [Step]) {
        state = Mutex(State(steps: steps))
    }

    /// Every request sent so far, in order.
    var requests: [HTTPRequest] { state.withLock { $0.requests } }
    /// The timeouts of every request so far.
    var timeouts: [HTTPTimeouts] { state.withLock { $0.timeouts } }
    /// Steps not yet used; a finished test expects zero.
    var remaining: Int { state.withLock { $0.steps.count } }

    func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) throws -> HTTPResponse {
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
    static func form(of request: HTTPRequest) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in FormEncoding.decode(String(decoding: request.body, as: UTF8.self)) {
            result[name] = value
        }
        return result
    }
}

extension ScriptedTransport.Step {
    /// A step answering with the fixture file `name` (without `.xml`) and `status`.
    static func fixture(
        _ action: String, _ name: String, status: Int = 200, expect: [String: String?] = [:],
        headers: [HTTPField] = [HTTPField("Content-Type", "text/xml")]
    ) -> Self {
        Self(
            action: action, expect: expect,
            answer: .success(HTTPResponse(status: status, headers: headers, body: Fixture.bytes(name))))
    }

    /// A step answering with `body` and `status`.
    static func body(_ action: String, _ body: String, status: Int = 200, expect: [String: String?] = [:]) -> Self {
        Self(action: action, expect: expect, answer: .success(HTTPResponse(status: status, body: Array(body.utf8))))
    }

    /// A step failing with a transport error, as when the network is down.
    static func failure(_ action: String, _ error: AWSError) -> Self {
        Self(action: action, expect: [:], answer: .failure(error))
    }
}

/// Loads test fixtures from `Tests/AWSCoreTests/Fixtures` next to this file.
enum Fixture {
    static func bytes(_ name: String) -> [UInt8] {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)  // Support/ScriptedTransport.swift
        let path = (parts + ["Fixtures", Substring("\(name).xml")]).joined(separator: "/")
        do {
            guard let bytes = try SystemFileReader().contents(atPath: path) else {
                Issue.record("missing fixture \(path)")
                return []
            }
            return bytes
        } catch {
            Issue.record("cannot read fixture \(path): \(error)")
            return []
        }
    }
}

/// A credentials provider returning fixed credentials (or none) and counting how often it was asked.
final class CountingCredentials: CredentialsProvider {
    let name: String
    private let value: Credentials?
    private let count = Mutex(0)

    init(_ value: Credentials?, name: String = "test") {
        self.value = value
        self.name = name
    }

    static let example = CountingCredentials(
        Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))

    var calls: Int { count.withLock { $0 } }

    func credentials() throws -> Credentials? {
        count.withLock { $0 += 1 }
        return value
    }
}

/// A clock frozen at one instant; any sleep is a test failure.
struct FixedTime: TimeSource {
    var date = Date(timeIntervalSince1970: 1_795_000_000)

    func now() -> Date { date }
    func monotonicSeconds() -> Double { 0 }
    func sleep(seconds: Double) {
        Issue.record("unexpected sleep of \(seconds) s")
    }
}

/// A retry executor that records operation names and retries a failed body up to `attempts` times in all.
final class RecordingRetry: RetryExecuting {
    private let attempts: Int
    private let log = Mutex<[String]>([])

    init(attempts: Int = 1) {
        self.attempts = attempts
    }

    /// One entry per attempt: the operation name.
    var operations: [String] { log.withLock { $0 } }

    func run<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        var attempt = 1
        while true {
            log.withLock { $0.append(operation) }
            do {
                return try body()
            } catch {
                if attempt >= attempts { throw error }
                attempt += 1
            }
        }
    }
}

/// Builders of clients wired to fakes.
enum TestClients {
    static func query(
        _ service: String, version: String, transport: ScriptedTransport,
        credentials: any CredentialsProvider = CountingCredentials.example,
        retry: any RetryExecuting = SingleAttempt(), region: String = "eu-west-1"
    ) -> QueryClient {
        QueryClient(
            endpoint: ServiceEndpoint(url: "http://127.0.0.1:5102", signingRegion: region, signingName: service),
            apiVersion: version, credentials: credentials, transport: transport, retry: retry, time: FixedTime())
    }

    static func iam(_ transport: ScriptedTransport) -> IAMClient {
        IAMClient(query: query("iam", version: IAMClient.apiVersion, transport: transport, region: "us-east-1"))
    }

    static func sts(_ transport: ScriptedTransport) -> STSClient {
        STSClient(query: query("sts", version: STSClient.apiVersion, transport: transport))
    }

    static func ec2(_ transport: ScriptedTransport) -> EC2Client {
        EC2Client(query: query("ec2", version: EC2Client.apiVersion, transport: transport))
    }
}
