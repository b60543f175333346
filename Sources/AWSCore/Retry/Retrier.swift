/// Runs AWS calls with retries: capped exponential backoff with full jitter, within a deadline per call.
///
/// Only `AWSError`s whose `isRetryable` is true are retried. The wait before retry `n` is
/// `random.nextUnit() * min(maxDelay, baseDelay * 2^(n-1))`. A wait that would end past the deadline is not
/// taken: the call fails with `AWSError.deadlineExceeded` instead. When the attempts run out, the last error
/// is rethrown unchanged, so its AWS error code reaches the caller.
public struct Retrier: RetryExecuting {
    /// The attempt, delay and deadline limits.
    public let policy: RetryPolicy
    private let time: any TimeSource
    private let random: any RandomSource
    private let onRetry: (@Sendable (RetryEvent) -> Void)?

    /// Creates a retrier that measures and waits with `time`, draws jitter from `random`, and reports each
    /// retry to `onRetry` (for logging) before waiting.
    public init(
        policy: RetryPolicy = RetryPolicy(), time: any TimeSource, random: any RandomSource,
        onRetry: (@Sendable (RetryEvent) -> Void)? = nil
    ) {
        self.policy = policy
        self.time = time
        self.random = random
        self.onRetry = onRetry
    }

    /// Runs `body` until it succeeds, fails with an error that is not retryable, or the attempts or the
    /// deadline run out.
    public func run<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        let start = time.monotonicSeconds()
        var attempt = 1
        while true {
            do {
                return try body()
            } catch let error as AWSError where error.isRetryable {
                if attempt >= policy.maxAttempts { throw error }
                let draw = random.nextUnit()
                let unit = draw.isNaN ? 1 : min(max(draw, 0), 1)
                let delay = unit * policy.delayCeiling(afterAttempt: attempt)
                let elapsed = time.monotonicSeconds() - start
                if elapsed + delay > policy.deadline {
                    throw AWSError.deadlineExceeded(operation: operation, attempts: attempt, last: error.description)
                }
                onRetry?(RetryEvent(operation: operation, attempt: attempt, delay: delay, error: error))
                time.sleep(seconds: delay)
                attempt += 1
            }
        }
    }
}
