import Synchronization
import Testing

@testable import EC2SSHSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The generic part of the key command's watchdog.
///
/// Only the paths that do not end the test process are tested
/// here: the backstop is disarmed long before it could fire, and the answering action declines to end the process.
/// The e2e tests test_keys_dns_hang.sh and test_keys_stale.sh cover the process actually ending.
@Suite(.serialized) struct ProcessWatchdogTests {
    @Test func theBackstopIsArmedToTheSubSecondAndDisarmed() {
        ProcessWatchdog.armBackstop(after: 100.25)
        let armed = ProcessWatchdog.backstopRemaining
        ProcessWatchdog.disarmBackstop()
        #expect(armed > 99 && armed <= 100.25)
        #expect(ProcessWatchdog.backstopRemaining == 0)
    }

    @Test func reArmingReplacesTheEarlierBackstop() {
        ProcessWatchdog.armBackstop(after: 300)
        ProcessWatchdog.armBackstop(after: 200)
        let armed = ProcessWatchdog.backstopRemaining
        ProcessWatchdog.disarmBackstop()
        #expect(armed > 199 && armed <= 200)
    }

    @Test func theActionRunsAfterTheDelayAndMayLetTheProcessLive() {
        let ranAfter = Mutex<Double?>(nil)
        let start = Syscall.monotonicSeconds()
        ProcessWatchdog.answer(after: 0.2) {
            ranAfter.withLock { $0 = Syscall.monotonicSeconds() - start }
            return false
        }.join()
        let elapsed = ranAfter.withLock { $0 }
        #expect((elapsed ?? 0) >= 0.2)
    }

    @Test func aDelayAlreadyPastRunsTheActionAtOnce() {
        let ran = Atomic<Int>(0)
        ProcessWatchdog.answer(after: -1) {
            ran.add(1, ordering: .relaxed)
            return false
        }.join()
        #expect(ran.load(ordering: .relaxed) == 1)
    }
}
