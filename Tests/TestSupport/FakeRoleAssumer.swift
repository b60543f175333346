package import AWSCore
import Synchronization
import Testing

/// A `RoleAssuming` that answers from a queue and records each call; an unexpected call fails the test.
package final class FakeRoleAssumer: RoleAssuming {
    private let state = Mutex<(replies: [Result<Credentials, AWSError>], calls: [String])>(([], []))

    /// Creates an assumer with nothing queued.
    package init() {}

    /// Queues `result` as the answer to the next call.
    package func reply(_ result: Result<Credentials, AWSError>) {
        state.withLock { $0.replies.append(result) }
    }

    /// `roleARN|sessionName` of each call.
    package var calls: [String] { state.withLock { $0.calls } }

    /// Records the call and answers from the queue; a call with nothing queued fails the test.
    package func assumeRole(roleARN: String, sessionName: String) throws -> Credentials {
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
