public import AWSCore
import EC2SSHShared

/// The time budget of one key command run, measured on the monotonic clock.
///
/// This one value is passed to everything that spends time: the transport cuts each request's limits to it, the
/// retrier stops retrying at it, the chained command gets what is left, and `KeyCommandWatchdog` measures
/// KEY_COMMAND_TIMEOUT (the hard limit) from its `start`. The IAM calls get the smaller `budget`, so that the run
/// normally ends in time to fall back to the stale cache and print it; the watchdog answers only when the run is
/// stuck past the budget.
public struct KeyCommandDeadline: Sendable {
    /// The clock.
    public let time: any TimeSource
    /// When the run started, in monotonic seconds.
    public let start: Double
    /// The seconds IAM calls may use, from `start`.
    public let budget: Double

    /// Creates a deadline of `budget` seconds from `start` (by default, now).
    public init(time: any TimeSource, budget: Double, start: Double? = nil) {
        self.time = time
        self.budget = max(0, budget)
        self.start = start ?? time.monotonicSeconds()
    }

    /// The IAM budget for a KEY_COMMAND_TIMEOUT of `timeout` seconds: a reserve of a quarter of it, at most one
    /// second, is kept for the fallback and the output.
    public static func budget(forTimeout timeout: Int) -> Double {
        let seconds = Double(max(1, timeout))
        return seconds - min(1, seconds / 4)
    }

    /// Seconds since the start.
    public var elapsed: Double { max(0, time.monotonicSeconds() - start) }

    /// Seconds of the budget left, never negative.
    public var remaining: Double { max(0, budget - elapsed) }
}
