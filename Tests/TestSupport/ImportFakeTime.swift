import AWSCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A clock that stands still until something sleeps; sleeping advances it and is recorded.
final class ImportFakeTime: TimeSource {
    private let state = Mutex((monotonic: 100.0, sleeps: [Double]()))
    private let wallClock: Mutex<Date>

    init(now: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        wallClock = Mutex(now)
    }

    /// The wall-clock time `now()` returns, fixed until a test moves it.
    var fixedNow: Date { wallClock.withLock { $0 } }

    /// Moves the wall clock forward by `seconds`.
    func advance(by seconds: Double) { wallClock.withLock { $0 += seconds } }

    var sleeps: [Double] { state.withLock { $0.sleeps } }

    func now() -> Date { fixedNow }
    func monotonicSeconds() -> Double { state.withLock { $0.monotonic } }
    func sleep(seconds: Double) {
        state.withLock { state in
            state.sleeps.append(seconds)
            state.monotonic += seconds
        }
    }
}
