/// What `Retrier` reports before it waits and tries a call again.
public struct RetryEvent: Sendable, Equatable {
    /// The call, for example `iam:ListUsers`.
    public var operation: String
    /// The attempt that just failed, starting at 1.
    public var attempt: Int
    /// How long the retrier waits before the next attempt, in seconds.
    public var delay: Double
    /// The retryable error of the failed attempt.
    public var error: AWSError

    /// Creates an event.
    public init(operation: String, attempt: Int, delay: Double, error: AWSError) {
        self.operation = operation
        self.attempt = attempt
        self.delay = delay
        self.error = error
    }
}
