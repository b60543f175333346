/// Runs an AWS call with retries; implemented by `Retrier`, faked in tests by a single-attempt executor.
public protocol RetryExecuting: Sendable {
    /// Runs `body` until it succeeds, fails with a non-retryable error, or the retry budget or deadline runs out.
    ///
    /// `operation` names the call (for example `iam:ListUsers`) for errors and logs.
    func run<T>(_ operation: String, _ body: () throws -> T) throws -> T
}

/// Runs each call exactly once: for tests and for callers that must not wait.
public struct SingleAttempt: RetryExecuting {
    /// Creates the executor.
    public init() {}

    /// Runs `body` once.
    public func run<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        try body()
    }
}
