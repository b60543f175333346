import Synchronization
import Testing

@testable import AWSCore

/// A `RoleAssuming` that answers from a queue and records each call; an unexpected call fails the test.
final class CredsFakeAssumer: RoleAssuming {
    private let state = Mutex<(replies: [Result<Credentials, AWSError>], calls: [String])>(([], []))

    func reply(_ result: Result<Credentials, AWSError>) {
        state.withLock { $0.replies.append(result) }
    }

    /// `roleARN|sessionName` of each call.
    var calls: [String] { state.withLock { $0.calls } }

    func assumeRole(roleARN: String, sessionName: String) throws -> Credentials {
        let next = state.withLock { state -> Result<Credentials, AWSError>? in
            state.calls.append("\(roleARN)|\(sessionName)")
            return state.replies.isEmpty ? nil : state.replies.removeFirst()
        }
        guard let next else {
            Issue.record("unexpected AssumeRole call for \(roleARN)")
            throw AWSError.transport(detail: "CredsFakeAssumer: unexpected call")
        }
        return try next.get()
    }
}

/// An in-memory `CredentialsStore` that records saves.
final class CredsMemoryStore: CredentialsStore {
    private let state: Mutex<(stored: Credentials?, loads: Int, saves: [Credentials])>

    init(_ stored: Credentials? = nil) {
        state = Mutex((stored, 0, []))
    }

    var loads: Int { state.withLock { $0.loads } }
    var saves: [Credentials] { state.withLock { $0.saves } }

    func load() -> Credentials? {
        state.withLock {
            $0.loads += 1
            return $0.stored
        }
    }

    func save(_ credentials: Credentials) {
        state.withLock {
            $0.stored = credentials
            $0.saves.append(credentials)
        }
    }
}

/// A provider with a fixed answer that counts how often it is asked.
final class CredsFakeProvider: CredentialsProvider {
    let name: String
    private let answer: Result<CredentialsLookup, AWSError>
    private let count = Mutex(0)

    init(_ name: String, _ answer: Result<CredentialsLookup, AWSError>) {
        self.name = name
        self.answer = answer
    }

    var calls: Int { count.withLock { $0 } }

    func credentials() throws -> Credentials? {
        if case .found(let credentials) = try lookupCredentials() { return credentials }
        return nil
    }

    func lookupCredentials() throws -> CredentialsLookup {
        count.withLock { $0 += 1 }
        return try answer.get()
    }
}
