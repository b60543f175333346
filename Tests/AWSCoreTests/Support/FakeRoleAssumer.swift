import Synchronization
import Testing

@testable import AWSCore

/// A `RoleAssuming` that answers from a queue and records each call; an unexpected call fails the test.
final class FakeRoleAssumer: RoleAssuming {
    private let state = Mutex<(replies: [Result<Credentials, AWSError>], calls: [String])>(([], []))

    /// Queues `result` as the answer to the next call.
    func reply(_ result: Result<Credentials, AWSError>) {
        state.withLock { $0.replies.append(result) }
    }

    /// `roleARN|sessionName` of each call.
    var calls: [String] { state.withLock { $0.calls } }

    /// Records the call and answers from the queue; a call with nothing queued fails the test.
    func assumeRole(roleARN: String, sessionName: String) throws -> Credentials {
        let next = state.withLock { state -> Result<Credentials, AWSError>? in
            state.calls.append("\(roleARN)|\(sessionName)")
            return state.replies.isEmpty ? nil : state.replies.removeFirst()
        }
        guard let next else {
            Issue.record("unexpected AssumeRole call for \(roleARN)")
            throw AWSError.transport(detail: "FakeRoleAssumer: unexpected call")
        }
        return try next.get()
    }
}
