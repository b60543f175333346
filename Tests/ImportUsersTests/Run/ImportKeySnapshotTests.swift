import AWSCore
import EC2SSHCore
import Synchronization
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Records what import_users asks the key cache to refresh.
final class RecordingKeySnapshot: KeySnapshotting {
    let calls = Mutex<[[String: ManagedKeyUser]]>([])
    let forgotten = Mutex<[[String]]>([])
    let failures: [String]

    init(failures: [String] = []) {
        self.failures = failures
    }

    func refresh(users: [String: ManagedKeyUser], now: Date) -> [String] {
        calls.withLock { $0.append(users) }
        return failures
    }

    func forget(localNames: [String]) -> [String] {
        forgotten.withLock { $0.append(localNames.sorted()) }
        return failures
    }
}

@Suite struct ImportKeySnapshotTests {
    func world(_ snapshot: RecordingKeySnapshot, groups: Result<[String], AWSError> = .success([]))
        -> ImportRunHarness
    {
        ImportRunHarness(
            aws: FakeAWSReader(.init(users: .success(["alice", "bob+x"]), groups: ["admins": groups])),
            keySnapshot: snapshot)
    }

    @Test func aCompleteRunRefreshesTheCacheOfEveryManagedAccount() throws {
        let snapshot = RecordingKeySnapshot()
        let harness = world(snapshot)
        #expect(try harness.run("KEY_CACHE_TTL=300\nSUDOERS_GROUPS=admins\n").exitCode == .ok)
        #expect(snapshot.calls.withLock { $0 } == [["alice": "alice", "bob.plus.x": "bob+x"]])
        #expect(harness.log.all.contains("info: key cache refreshed for 2 users"))
    }

    @Test func aFailedRefreshIsAPartialRunThatStillAppliesTheAccounts() throws {
        let snapshot = RecordingKeySnapshot(failures: ["alice: AccessDenied", "bob.plus.x: Throttling"])
        let harness = world(snapshot)
        #expect(try harness.run("KEY_CACHE_TTL=300\nSUDOERS_GROUPS=admins\n").exitCode == .partial)
        #expect(harness.log.all.contains("error: key cache: alice: AccessDenied"))
        #expect(harness.log.all.contains("error: key cache: bob.plus.x: Throttling"))
        #expect(try harness.state().accounts.keys.sorted() == ["alice", "bob.plus.x"])
        #expect(harness.fileSystem.node(ImportRunHarness.indexPath) != nil)
    }

    @Test func aRunHoldingBackDeletionsRefreshesNothingUntilTheyAreDone() throws {
        let snapshot = RecordingKeySnapshot()
        let harness = ImportRunHarness(
            aws: FakeAWSReader(.init(users: .success(["alice", "bob", "carol"]), groups: ["admins": .success([])])),
            keySnapshot: snapshot)
        let config = "KEY_CACHE_TTL=300\nSUDOERS_GROUPS=admins\n"
        #expect(try harness.run(config).exitCode == .ok)
        harness.aws.update { $0.users = .success(["carol"]) }
        // The deletion cap keeps alice and bob active; their keys must not be refreshed.
        #expect(try harness.run(config).exitCode == .partial)
        #expect(snapshot.calls.withLock { $0 }.count == 1)
        #expect(try harness.run(config, ImportOptions(force: true)).exitCode == .ok)
        #expect(snapshot.calls.withLock { $0 }.last == ["carol": "carol"])
    }

    @Test(arguments: ["KEY_CACHE_TTL=0\n", "KEY_CACHE_TTL=300\n"])
    func deletedAccountsLoseTheirCacheEntryInEveryCacheMode(config: String) throws {
        let snapshot = RecordingKeySnapshot()
        let harness = ImportRunHarness(
            aws: FakeAWSReader(.init(users: .success(["alice", "bob"]), groups: [:])), keySnapshot: snapshot)
        #expect(try harness.run(config).exitCode == .ok)
        #expect(snapshot.forgotten.withLock { $0 }.isEmpty)
        harness.aws.update { $0.users = .success(["alice"]) }
        #expect(try harness.run(config, ImportOptions(force: true)).exitCode == .ok)
        #expect(snapshot.forgotten.withLock { $0 } == [["bob"]])
    }

    @Test(arguments: [
        ("KEY_CACHE_TTL=0\n", ImportOptions()),
        ("KEY_CACHE_TTL=300\n", ImportOptions(dryRun: true)),
    ])
    func noRefreshWithoutCacheFirstModeOrOnADryRun(config: String, options: ImportOptions) throws {
        let snapshot = RecordingKeySnapshot()
        #expect(try world(snapshot).run(config, options).exitCode == .ok)
        #expect(snapshot.calls.withLock { $0 }.isEmpty)
    }

    @Test func noRefreshAfterAnIncompleteRead() throws {
        let snapshot = RecordingKeySnapshot()
        let harness = world(snapshot, groups: .failure(.timeout(detail: "iam")))
        #expect(try harness.run("KEY_CACHE_TTL=300\nSUDOERS_GROUPS=admins\n").exitCode == .partial)
        #expect(snapshot.calls.withLock { $0 }.isEmpty)
    }
}
