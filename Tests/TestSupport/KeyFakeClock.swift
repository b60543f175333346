import AWSCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A clock that only moves when told to (or when something sleeps on it); wall and monotonic time move together.
final class KeyFakeClock: TimeSource, Sendable {
    private let state: Mutex<(now: Date, monotonic: Double, slept: [Double])>

    init(now: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        state = Mutex((now, 1000, []))
    }

    func now() -> Date { state.withLock { $0.now } }
    func monotonicSeconds() -> Double { state.withLock { $0.monotonic } }

    func sleep(seconds: Double) {
        state.withLock { $0.slept.append(seconds) }
        advance(seconds)
    }

    func advance(_ seconds: Double) {
        state.withLock { state in
            state.now = state.now.addingTimeInterval(seconds)
            state.monotonic += seconds
        }
    }

    var slept: [Double] { state.withLock { $0.slept } }
}

/// Jitter that always draws the same number.
struct KeyFixedRandom: RandomSource {
    var value = 1.0
    func nextUnit() -> Double { value }
}
