import Synchronization
import Testing

@testable import AWSCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A manual clock: wall time and monotonic time move only with `advance(by:)`; sleeping is a test failure.
final class CredsFakeClock: TimeSource {
    private let state: Mutex<(wall: Date, monotonic: Double)>

    init(start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        state = Mutex((start, 1_000))
    }

    func advance(by seconds: Double) {
        state.withLock {
            $0.wall = $0.wall.addingTimeInterval(seconds)
            $0.monotonic += seconds
        }
    }

    func now() -> Date { state.withLock { $0.wall } }

    func monotonicSeconds() -> Double { state.withLock { $0.monotonic } }

    func sleep(seconds: Double) {
        Issue.record("credentials code must not sleep (asked for \(seconds) s)")
    }
}
