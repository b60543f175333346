#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The clock and the sleep of the process, injected so tests run instantly and deterministically.
public protocol TimeSource: Sendable {
    /// The current wall-clock time (for signing dates and credential expiry).
    func now() -> Date
    /// Seconds on a monotonic clock, for deadlines and durations; only differences are meaningful.
    func monotonicSeconds() -> Double
    /// Blocks the calling thread for `seconds`.
    func sleep(seconds: Double)
}

/// A source of uniformly distributed random numbers, injected for deterministic retry jitter in tests.
public protocol RandomSource: Sendable {
    /// A number in `0..<1`.
    func nextUnit() -> Double
}

/// The real clock: `Date()`, `CLOCK_MONOTONIC` and `nanosleep`.
public struct SystemTimeSource: TimeSource {
    /// Creates the system time source.
    public init() {}

    /// The current wall-clock time.
    public func now() -> Date { Date() }

    /// Seconds on `CLOCK_MONOTONIC`.
    public func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1_000_000_000
    }

    /// Sleeps with `nanosleep`, resuming after signals until the full time has passed.
    public func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        let whole = seconds.rounded(.down)
        var request = timespec(tv_sec: Int(whole), tv_nsec: Int((seconds - whole) * 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR {
            request = remaining
        }
    }
}

/// The real random source, backed by the system generator.
public struct SystemRandomSource: RandomSource {
    /// Creates the system random source.
    public init() {}

    /// A uniformly distributed number in `0..<1`.
    public func nextUnit() -> Double { Double.random(in: 0..<1) }
}
