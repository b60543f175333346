import AWSCore
import EC2SSHCore
import Testing

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import TestSupport

/// The cache rules through the whole command: which source is used and what ends up in the cache.
@Suite struct KeyCommandCacheTests {
    static let throttled = AWSError.service(code: "Throttling", message: "Rate exceeded", requestID: "r", status: 400)
    static let serverError = AWSError.service(
        code: "InternalFailure", message: "boom", requestID: "r", status: 500)
    static let timeout = AWSError.timeout(detail: "iam.amazonaws.com after 3 s")
    static let denied = AWSError.service(code: "AccessDenied", message: "no", requestID: "r", status: 403)

    @Test func freshIAMAnswerIsPrintedAndCached() throws {
        let harness = KeyCommandHarness()
        let outcome = harness.run()
        #expect(outcome.lines == [TestKeys.ed25519])
        #expect(outcome.output == Array((TestKeys.ed25519 + "\n").utf8))
        #expect(outcome.audit.source == .iam)
        let entry = try #require(try harness.cachedEntry())
        #expect(entry.keys == [KeyCacheEntry.Key(id: "APKAALICE1", line: TestKeys.ed25519)])
        #expect(entry.fetchedAt == harness.clock.now())
        #expect(harness.fs.node(harness.cache.path(for: "alice"))?.mode == 0o600)
        #expect(harness.fs.writes.allSatisfy { $0.owner == nil })
    }

    @Test func byDefaultIAMIsAskedEvenWithAFreshCache() throws {
        let harness = KeyCommandHarness()
        try harness.seedCache(age: 1, keys: [("OLD", TestKeys.second)])
        #expect(harness.run().lines == [TestKeys.ed25519])
        #expect(harness.iam.calls.contains("ListSSHPublicKeys alice"))
    }

    @Test func ttlHitMakesNoIAMCall() throws {
        let harness = KeyCommandHarness()
        harness.policy = KeyCachePolicy(ttl: 60, staleMax: 86_400)
        try harness.seedCache(age: 59, keys: [("OLD", TestKeys.second)])
        let writes = harness.fs.writes.count
        let outcome = harness.run()
        #expect(outcome.lines == [TestKeys.second])
        #expect(outcome.audit.source == .cache)
        #expect(harness.iam.calls.isEmpty)
        #expect(harness.fs.writes.count == writes)
    }

    @Test func ttlMissAsksIAM() throws {
        let harness = KeyCommandHarness()
        harness.policy = KeyCachePolicy(ttl: 60, staleMax: 86_400)
        try harness.seedCache(age: 61, keys: [("OLD", TestKeys.second)])
        let outcome = harness.run()
        #expect(outcome.lines == [TestKeys.ed25519])
        #expect(outcome.audit.source == .iam)
    }

    @Test func ttlHitWithAnUnknownFingerprintAsksIAM() throws {
        let harness = KeyCommandHarness()
        harness.policy = KeyCachePolicy(ttl: 60, staleMax: 86_400)
        try harness.seedCache(age: 1, keys: [("OLD", TestKeys.second)])
        let outcome = harness.run(fingerprint: TestKeys.ed25519Fingerprint)
        #expect(outcome.lines == [TestKeys.ed25519])
        #expect(outcome.audit.source == .iam)
    }

    @Test(arguments: [throttled, serverError, timeout])
    func staleCacheWithinTheBoundIsServedWhenIAMFails(error: AWSError) throws {
        let harness = KeyCommandHarness()
        harness.policy = KeyCachePolicy(ttl: 0, staleMax: 3600)
        try harness.seedCache(age: 3599, keys: [("OLD", TestKeys.second)])
        harness.iam.failList(error)
        let outcome = harness.run()
        #expect(outcome.lines == [TestKeys.second])
        #expect(outcome.audit.source == .staleCache)
        #expect(outcome.audit.errorCode == KeyCommand.Audit.code(of: error))
        #expect(try harness.cachedEntry()?.keys.map(\.id) == ["OLD"])
    }

    @Test(arguments: [throttled, serverError, timeout])
    func staleCacheBeyondTheBoundIsNotServed(error: AWSError) throws {
        let harness = KeyCommandHarness()
        harness.policy = KeyCachePolicy(ttl: 0, staleMax: 3600)
        try harness.seedCache(age: 3601, keys: [("OLD", TestKeys.second)])
        harness.iam.failList(error)
        let outcome = harness.run()
        #expect(outcome.lines.isEmpty)
        #expect(outcome.audit.source == .none)
        #expect(outcome.audit.message == "authorized keys lookup failed")
    }

    @Test func staleMaxZeroDisablesTheFallbackAndTheCache() throws {
        let harness = KeyCommandHarness()
        harness.policy = KeyCachePolicy(ttl: 0, staleMax: 0)
        try harness.seedCache(age: 1, keys: [("OLD", TestKeys.second)])
        harness.iam.failList(Self.throttled)
        #expect(harness.run().lines.isEmpty)
        harness.iam.failList(nil)
        let before = harness.fs.writes.count
        #expect(harness.run().lines == [TestKeys.ed25519])
        #expect(harness.fs.writes.count == before)
    }

    @Test func accessDeniedNeverFallsBackToTheCache() throws {
        let harness = KeyCommandHarness()
        try harness.seedCache(age: 1, keys: [("OLD", TestKeys.second)])
        harness.iam.failList(Self.denied)
        let outcome = harness.run()
        #expect(outcome.lines.isEmpty)
        #expect(outcome.audit.errorCode == "AccessDenied")
    }

    @Test func noSuchEntityRemovesTheCacheEntryAndPrintsNothing() throws {
        let harness = KeyCommandHarness()
        harness.policy = KeyCachePolicy(ttl: 0, staleMax: 3600)
        try harness.seedCache(age: 1, keys: [("OLD", TestKeys.second)])
        harness.iam.failList(FakeIAMKeys.noSuchEntity("alice"))
        let outcome = harness.run()
        #expect(outcome.lines.isEmpty)
        #expect(outcome.audit.refusal == .iamUserGone(iamUserName: "alice"))
        #expect(try harness.cachedEntry() == nil)
        #expect(harness.fs.removals == [harness.cache.path(for: "alice")])
    }

    @Test func removalFromTheAuthorizedGroupsStopsLoginAndClearsTheCacheAtOnce() throws {
        let harness = KeyCommandHarness()
        harness.authorizedGroups = ["devs"]
        harness.iam.setGroups("alice", ["devs"])
        #expect(harness.run().lines == [TestKeys.ed25519])
        #expect(try harness.cachedEntry() != nil)
        harness.iam.setGroups("alice", ["ops"])
        let outcome = harness.run()
        #expect(outcome.lines.isEmpty)
        #expect(outcome.audit.refusal == .notInAuthorizedGroups(groups: ["devs"]))
        #expect(try harness.cachedEntry() == nil)
    }

    @Test func userDroppedFromTheIndexLosesItsCache() throws {
        let harness = KeyCommandHarness()
        try harness.seedCache(age: 1, keys: [("OLD", TestKeys.second)])
        harness.index.users["alice"] = nil
        harness.writeIndex()
        #expect(harness.run().lines.isEmpty)
        #expect(try harness.cachedEntry() == nil)
    }

    @Test func aCacheEntryOfAnotherIAMUserIsIgnored() throws {
        let harness = KeyCommandHarness()
        harness.policy = KeyCachePolicy(ttl: 60, staleMax: 3600)
        try harness.seedCache(iamUser: "mallory", age: 1, keys: [("OLD", TestKeys.second)])
        #expect(harness.run().lines == [TestKeys.ed25519])
    }

    @Test func freshKeysAreCachedWithTheIAMUserID() throws {
        let harness = KeyCommandHarness()
        #expect(harness.run().lines == [TestKeys.ed25519])
        #expect(try harness.cachedEntry()?.iamUserID == "AIDAALICE")
    }

    /// A deleted and re-created IAM user of the same name (another person, another UserId) must never be served
    /// the old person's cached keys, neither within the TTL nor as stale keys during an outage.
    @Test(arguments: [("AIDAOLDALICE" as String?, 60.0), ("AIDAOLDALICE", 0), (nil, 60), (nil, 0)])
    func aCacheEntryOfAnotherIAMUserIDIsNeverServed(cachedID: String?, ttl: Double) throws {
        let harness = KeyCommandHarness()
        harness.policy = KeyCachePolicy(ttl: ttl, staleMax: 3600)
        try harness.seedCache(iamUserID: cachedID, age: 1, keys: [("OLD", TestKeys.second)])
        harness.iam.failList(Self.throttled)
        let outcome = harness.run()
        #expect(outcome.lines.isEmpty)
        #expect(outcome.audit.source == .none)
        #expect(try harness.cachedEntry() == nil)
        #expect(harness.log.all.contains { $0.contains("key cache entry of another IAM UserId removed") })
    }

    @Test func tamperedCachedLinesAreRevalidated() throws {
        let harness = KeyCommandHarness()
        harness.policy = KeyCachePolicy(ttl: 60, staleMax: 3600)
        try harness.seedCache(
            age: 1, keys: [("EVIL", "command=\"/bin/sh\" " + TestKeys.ed25519), ("OK", TestKeys.second)])
        #expect(harness.run().lines == [TestKeys.second])
        #expect(harness.log.all.contains { $0.hasPrefix("warning: cached key dropped") && $0.contains("key_id=EVIL") })
    }

    @Test func anUntrustedCacheFileIsIgnored() throws {
        let harness = KeyCommandHarness()
        harness.policy = KeyCachePolicy(ttl: 60, staleMax: 3600)
        try harness.seedCache(age: 1, keys: [("OLD", TestKeys.second)])
        let path = harness.cache.path(for: "alice")
        let bytes = try #require(harness.fs.node(path)?.bytes)
        harness.fs.addFile(path, bytes, mode: 0o644, uid: KeyCommandHarness.runningUID)
        #expect(harness.run().lines == [TestKeys.ed25519])
        #expect(harness.log.all.contains { $0.hasPrefix("warning: key cache entry ignored") })
    }

    @Test func noCacheMeansIAMOnlyAndNoFallback() {
        let harness = KeyCommandHarness()
        harness.useCache = false
        #expect(harness.run().lines == [TestKeys.ed25519])
        harness.iam.failList(Self.throttled)
        #expect(harness.run().lines.isEmpty)
        #expect(harness.fs.writes.isEmpty)
    }

    @Test func aFailedCacheWriteStillServesTheKeys() {
        let harness = KeyCommandHarness()
        harness.fs.failWrites(true)
        #expect(harness.run().lines == [TestKeys.ed25519])
        #expect(harness.log.all.contains { $0.hasPrefix("warning: could not update the key cache") })
    }

    @Test func userWithoutKeysGetsNothingAndAnEmptyEntry() throws {
        let harness = KeyCommandHarness()
        harness.iam.setKeys("alice", [])
        let outcome = harness.run()
        #expect(outcome.output.isEmpty)
        #expect(outcome.audit.message == "authorized keys served")
        #expect(try harness.cachedEntry()?.keys == [])
    }
}
