public import AWSCore
import EC2SSHShared

extension KeyCommand {
    /// The one hard deadline of a key command run, measured on the monotonic clock from the process's start.
    ///
    /// `main` creates it once, at process start, with the startup limit (`startupLimit`, until the configuration is
    /// read); the wiring then fixes its limit to KEY_COMMAND_TIMEOUT with `configured(timeout:)`, which keeps the
    /// start. This one value is passed to everything that spends or guards time: the transport cuts each request's
    /// limits to `remaining`, the retrier stops retrying at it, the chained command gets `chainTimeout`, the
    /// fallback dates its answer with it and `Watchdog` arms the process's last resort from it. The IAM calls get
    /// the smaller `budget`, so that the run normally ends in time to fall back to the stale cache and print it; the
    /// watchdog answers (at `answerBy`) only when the run is stuck past the budget.
    public struct Deadline: Sendable {
        /// The hard limit, in seconds, until the configuration has been read and KEY_COMMAND_TIMEOUT is known.
        public static let startupLimit = 5.0

        /// The clock.
        public let time: any TimeSource
        /// When the run started, in monotonic seconds.
        public let start: Double
        /// The hard limit of the whole run in seconds from `start`: KEY_COMMAND_TIMEOUT once configured.
        public let limit: Double
        /// The seconds IAM calls may use, from `start`.
        public let budget: Double

        /// Creates a deadline of `limit` seconds from `start` (by default, now), with an IAM `budget` of
        /// `budget(forTimeout:)` unless given.
        public init(
            time: any TimeSource, limit: Double = Deadline.startupLimit, budget: Double? = nil, start: Double? = nil
        ) {
            self.time = time
            self.limit = max(0, limit)
            self.budget = max(0, budget ?? Self.budget(forLimit: limit))
            self.start = start ?? time.monotonicSeconds()
        }

        /// The same deadline (same clock, same start) once KEY_COMMAND_TIMEOUT is known: `timeout` seconds from
        /// the start, with the IAM budget that goes with it.
        public func configured(timeout: Int) -> Deadline {
            Deadline(time: time, limit: Double(timeout), start: start)
        }

        /// The IAM budget for a KEY_COMMAND_TIMEOUT of `timeout` seconds: a reserve of a quarter of it, at most one
        /// second, is kept for the fallback and the output.
        public static func budget(forTimeout timeout: Int) -> Double {
            budget(forLimit: Double(timeout))
        }

        /// The IAM budget for a hard limit of `limit` seconds (at least one second is assumed).
        static func budget(forLimit limit: Double) -> Double {
            let seconds = max(1, limit)
            return seconds - min(1, seconds / 4)
        }

        /// When the watchdog answers if the run has not, in seconds from `start`: `Watchdog.reserve(forTimeout:)`
        /// before the limit.
        public var answerBy: Double { limit - Watchdog.reserve(forTimeout: limit) }

        /// Seconds since the start.
        public var elapsed: Double { max(0, time.monotonicSeconds() - start) }

        /// Seconds of the IAM budget left, never negative.
        public var remaining: Double { max(0, budget - elapsed) }

        /// The time limit of a chained command started now: until a quarter second before the watchdog answers.
        public var chainTimeout: Double { max(0, answerBy - elapsed - 0.25) }
    }
}
