import Synchronization

@testable import AWSCore

/// An in-memory `CredentialsStore` that records saves.
final class MemoryCredentialsStore: CredentialsStore {
    private let state: Mutex<(stored: Credentials?, loads: Int, saves: [Credentials])>

    /// Creates a store holding `stored`.
    init(_ stored: Credentials? = nil) {
        state = Mutex((stored, 0, []))
    }

    /// How often `load` was called.
    var loads: Int { state.withLock { $0.loads } }
    /// Every saved value, in order.
    var saves: [Credentials] { state.withLock { $0.saves } }

    /// Counts the call and returns what is stored.
    func load() -> Credentials? {
        state.withLock {
            $0.loads += 1
            return $0.stored
        }
    }

    /// Stores `credentials` and records the save.
    func save(_ credentials: Credentials) {
        state.withLock {
            $0.stored = credentials
            $0.saves.append(credentials)
        }
    }
}
