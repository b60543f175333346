import Synchronization

@testable import AWSCore

/// A retry executor that records operation names and retries a failed body up to `attempts` times in all.
final class RecordingRetry: RetryExecuting {
    private let attempts: Int
    private let log = Mutex<[String]>([])

    /// Creates an executor that tries a body up to `attempts` times.
    init(attempts: Int = 1) {
        self.attempts = attempts
    }

    /// One entry per attempt: the operation name.
    var operations: [String] { log.withLock { $0 } }

    /// Records the operation for every attempt and retries a failing body while attempts are left.
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
