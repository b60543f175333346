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
    let fixedNow: Date

    init(now: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        fixedNow = now
    }

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
