public import AWSCore
import EC2SSHShared

extension KeyCommand {
    /// Retries IAM calls of the key command with a short backoff, never past the run's deadline.
    ///
    /// Each call gets an `AWSCore.Retrier` whose deadline is the time left at that moment, so a throttled or failing IAM
    /// ends the run in time for the stale-cache fallback.
    public struct Retrier: RetryExecuting {
        /// The run's deadline.
        public let deadline: KeyCommand.Deadline
        /// The attempts per call, the first included.
        public let maxAttempts: Int
        private let random: any RandomSource
        private let onRetry: (@Sendable (RetryEvent) -> Void)?

        /// Creates the retrier; `onRetry` hears about each retry (for a debug log line).
        public init(
            deadline: KeyCommand.Deadline, random: any RandomSource, maxAttempts: Int = 3,
            onRetry: (@Sendable (RetryEvent) -> Void)? = nil
        ) {
            self.deadline = deadline
            self.random = random
            self.maxAttempts = maxAttempts
            self.onRetry = onRetry
        }

        /// The policy for a call starting now: backoff from 50 ms up to 400 ms, within the time left.
        public var currentPolicy: RetryPolicy {
            RetryPolicy(maxAttempts: maxAttempts, baseDelay: 0.05, maxDelay: 0.4, deadline: deadline.remaining)
        }

        /// Runs `body` with retries inside the time left.
        public func run<T>(_ operation: String, _ body: () throws -> T) throws -> T {
            try AWSCore.Retrier(policy: currentPolicy, time: deadline.time, random: random, onRetry: onRetry).run(
                operation, body)
        }
    }
}
