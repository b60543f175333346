import AWSCore
import Synchronization
import Testing

#if canImport(FoundationEssentials)
    package import FoundationEssentials
#else
    package import Foundation
#endif

/// A clock that moves only when a test advances it or, where the test allows it, when the code under test sleeps.
///
/// Wall time and monotonic time move together. Fail-loud by default: a `sleep` is a test failure unless the clock
/// was made with `sleeping: .advancesTheClock`, and reading the wall time of a clock made with `now: nil` is one too
/// (for code that must only measure durations).
package final class FakeClock: TimeSource {
    /// What a call to `sleep(seconds:)` does.
    package enum Sleeping: Sendable {
        /// The sleep is recorded and moves the clock forward; nothing really waits.
        case advancesTheClock
        /// The sleep is recorded as a test failure (and the clock does not move).
        case isATestFailure
    }

    /// The moving parts: the wall time (`nil`: reading it is a failure), the monotonic seconds and the sleeps.
    private struct State {
        var now: Date?
        var monotonic: Double
        var sleeps: [Double] = []
    }

    private let state: Mutex<State>
    private let start: Double
    /// What `sleep(seconds:)` does.
    package let sleeping: Sleeping

    /// Creates a clock at wall time `now` and monotonic time `monotonic`, where sleeping does what `sleeping` says.
    package init(
        now: Date? = Date(timeIntervalSince1970: 1_800_000_000), monotonic: Double = 1_000,
        sleeping: Sleeping = .isATestFailure
    ) {
        state = Mutex(State(now: now, monotonic: monotonic))
        start = monotonic
        self.sleeping = sleeping
    }

    /// Every sleep the code under test asked for, in order.
    package var sleeps: [Double] { state.withLock { $0.sleeps } }

    /// The monotonic seconds that have passed since the clock was made.
    package var elapsed: Double { state.withLock { $0.monotonic - start } }

    /// Moves wall and monotonic time forward by `seconds`, as if that much time passed.
    package func advance(by seconds: Double) {
        state.withLock { state in
            state.now = state.now?.addingTimeInterval(seconds)
            state.monotonic += seconds
        }
    }

    /// The wall time; a test failure (answered with the epoch) for a clock made without one.
    package func now() -> Date {
        guard let now = state.withLock({ $0.now }) else {
            Issue.record("FakeClock: the code under test read the wall clock, which this test forbids")
            return Date(timeIntervalSince1970: 0)
        }
        return now
    }

    /// The monotonic time in seconds.
    package func monotonicSeconds() -> Double { state.withLock { $0.monotonic } }

    /// Records the sleep, then moves the clock or records a test failure, as `sleeping` says.
    package func sleep(seconds: Double) {
        state.withLock { $0.sleeps.append(seconds) }
        switch sleeping {
        case .advancesTheClock:
            advance(by: seconds)
        case .isATestFailure:
            Issue.record(
                "FakeClock: unexpected sleep of \(seconds) s (make the clock with sleeping: .advancesTheClock)")
        }
    }
}
