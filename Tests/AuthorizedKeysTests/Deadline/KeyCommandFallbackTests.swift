import AWSCore
import EC2SSHCore
import Synchronization
import Testing

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Issue 10, finding 4: a run stuck past its budget (a DNS resolver that never answers) is answered by the
/// watchdog with what the stale-cache rules allow, and the run itself then prints and logs nothing.
@Suite struct KeyCommandFallbackTests {
    /// A deadline of 5 s on `clock` that started `elapsed` seconds ago, as the watchdog passes it.
    static func deadline(_ clock: FakeClock, elapsed: Double) -> KeyCommand.Deadline {
        KeyCommand.Deadline(time: clock, limit: 5, start: clock.monotonicSeconds() - elapsed)
    }

    /// A harness whose watchdog fires while the fetcher is being built (IAM "hangs" there), `age` seconds after the
    /// cached keys were fetched; returns the watchdog's answer and the run's outcome.
    func fireDuringIAM(
        staleMax: Double = 3600, age: Double = 100, fingerprint: String? = nil, seed: Bool = true
    ) throws -> (watchdog: KeyCommand.Outcome?, run: KeyCommand.Outcome, harness: KeyCommandHarness) {
        let harness = KeyCommandHarness()
        harness.policy = KeyCachePolicy(ttl: 0, staleMax: staleMax)
        let fallback = KeyCommand.Fallback(policy: harness.policy)
        harness.fallback = fallback
        if seed {
            try harness.seedCache(
                age: age, keys: [("OLD1", TestKeys.second), ("OLD2", TestKeys.ed25519)])
        }
        let answer = Mutex<KeyCommand.Outcome?>(nil)
        let clock = harness.clock
        harness.beforeIAM = {
            clock.advance(by: 4.5)
            answer.withLock { $0 = fallback.preempt(Self.deadline(clock, elapsed: 4.5)) }
        }
        let run = harness.run(fingerprint: fingerprint)
        return (answer.withLock { $0 }, run, harness)
    }

    @Test func theWatchdogServesTheStaleKeysAndTheRunStaysSilent() throws {
        let (watchdog, run, harness) = try fireDuringIAM()
        let answer = try #require(watchdog)
        #expect(answer.lines == [TestKeys.second, TestKeys.ed25519])
        #expect(answer.audit.source == .staleCache)
        #expect(answer.audit.keyIDs == ["OLD1", "OLD2"])
        #expect(answer.audit.errorCode == "Timeout")
        #expect(answer.audit.errorDetail?.contains("KEY_COMMAND_TIMEOUT (5 s) after 4500 ms") == true)
        #expect(answer.audit.iamUserName == "alice" && answer.audit.iamUserID == "AIDAALICE")
        #expect(answer.audit.durationMilliseconds == 4500)
        #expect(run.preempted)
        #expect(run.output.isEmpty)
        #expect(harness.log.all.filter { $0.contains("authorized keys") }.isEmpty)
    }

    @Test func withAFingerprintOnlyTheMatchingStaleKeyIsServed() throws {
        let (watchdog, _, _) = try fireDuringIAM(fingerprint: TestKeys.ed25519Fingerprint)
        #expect(watchdog?.lines == [TestKeys.ed25519])
    }

    @Test(arguments: [(3600.0, 3601.0), (0, 1)])
    func keysBeyondKEYCACHESTALEMAXAreNotServed(staleMax: Double, age: Double) throws {
        let (watchdog, run, _) = try fireDuringIAM(staleMax: staleMax, age: age)
        let answer = try #require(watchdog)
        #expect(answer.lines.isEmpty)
        #expect(answer.audit.source == .none)
        #expect(answer.audit.message == "authorized keys lookup failed")
        #expect(run.preempted)
    }

    @Test func withoutACacheEntryTheWatchdogOnlyLogs() throws {
        let (watchdog, _, _) = try fireDuringIAM(seed: false)
        let answer = try #require(watchdog)
        #expect(answer.lines.isEmpty && answer.audit.localUser == "alice" && answer.audit.errorCode == "Timeout")
    }

    @Test func aRunThatFinishedFirstKeepsItsAnswer() throws {
        let harness = KeyCommandHarness()
        let fallback = KeyCommand.Fallback(policy: harness.policy)
        harness.fallback = fallback
        let run = harness.run()
        #expect(!run.preempted && run.lines == [TestKeys.ed25519])
        #expect(fallback.preempt(Self.deadline(harness.clock, elapsed: 4.5)) == nil)
        #expect(harness.log.all.contains { $0.contains("authorized keys served") })
    }

    /// Once the run has decided (here IAM answered AccessDenied, which never allows the stale keys), the watchdog
    /// serves that decision, for example while the chained command is still running.
    @Test func afterTheRunDecidedTheWatchdogServesItsDecision() throws {
        let harness = KeyCommandHarness()
        let fallback = KeyCommand.Fallback(policy: KeyCachePolicy(ttl: 0, staleMax: 3600))
        var audit = KeyCommand.Audit(localUser: "alice")
        audit.record(error: AWSError.service(code: "AccessDenied", message: "no", requestID: nil, status: 403))
        let stale = SSHKeyFetcher.Key(id: "OLD", key: try AuthorizedKeyLine.validate(TestKeys.second).get())
        fallback.publish(
            .init(
                audit: audit, cachedKeys: [stale], fetchedAt: harness.clock.now().addingTimeInterval(-10), decided: []))
        let answer = try #require(fallback.preempt(Self.deadline(harness.clock, elapsed: 4.5)))
        #expect(answer.lines.isEmpty)
        #expect(answer.audit.source == .none)
        var served = KeyCommand.Audit(localUser: "alice")
        served.source = .iam
        let other = KeyCommand.Fallback(policy: KeyCachePolicy(ttl: 0, staleMax: 3600))
        other.publish(.init(audit: served, decided: [stale]))
        #expect(other.preempt(Self.deadline(harness.clock, elapsed: 4.5))?.lines == [TestKeys.second])
    }

    @Test func beforeTheAccountIsGrantedTheWatchdogServesNothing() throws {
        let harness = KeyCommandHarness()
        let fallback = KeyCommand.Fallback(policy: harness.policy)
        harness.fallback = fallback
        fallback.publish(.init(audit: KeyCommand.Audit(localUser: "root")))
        let answer = try #require(fallback.preempt(Self.deadline(harness.clock, elapsed: 4.6)))
        #expect(answer.lines.isEmpty && answer.audit.localUser == "root")
        #expect(!fallback.finish())
    }

    @Test(arguments: [(5.0, 0.5), (2, 0.25), (1, 0.125), (60, 0.5)])
    func theWatchdogAnswersAfterTheIAMBudgetAndBeforeTheDeadline(timeout: Double, reserve: Double) {
        #expect(KeyCommand.Watchdog.reserve(forTimeout: timeout) == reserve)
        #expect(timeout - reserve > KeyCommand.Deadline.budget(forTimeout: Int(timeout)))
    }
}
