/// How often and how long `Retrier` retries one AWS call: capped exponential backoff with full jitter.
public struct RetryPolicy: Sendable, Equatable {
    /// The most attempts per call, the first included; at least 1.
    public var maxAttempts: Int
    /// The backoff ceiling before the first retry, in seconds; it doubles with each further retry.
    public var baseDelay: Double
    /// The largest backoff ceiling, in seconds.
    public var maxDelay: Double
    /// The time budget of one call, retries and waits included, in seconds.
    public var deadline: Double

    /// Creates a policy; out-of-range values are clamped (at least 1 attempt, no negative times).
    public init(maxAttempts: Int = 5, baseDelay: Double = 0.1, maxDelay: Double = 5, deadline: Double = 20) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay.isFinite ? max(0, baseDelay) : 0
        self.maxDelay = maxDelay.isNaN ? 0 : max(0, maxDelay)
        self.deadline = deadline.isNaN ? 0 : max(0, deadline)
    }

    /// The backoff ceiling before retry number `attempt` (1 after the first failure): the smaller of
    /// `maxDelay` and `baseDelay * 2^(attempt-1)`.
    public func delayCeiling(afterAttempt attempt: Int) -> Double {
        let factor = Double(sign: .plus, exponent: max(0, attempt - 1), significand: 1)
        return min(maxDelay, baseDelay * factor)
    }
}
