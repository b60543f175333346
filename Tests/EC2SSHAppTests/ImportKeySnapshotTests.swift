import AWSCore
import EC2SSH
import Synchronization
import Testing

@testable import EC2SSHApp

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Records what import_users asks the key cache to refresh.
final class ImportRecordingSnapshot: ImportKeySnapshotting {
    let calls = Mutex<[[String: String]]>([])

    func refresh(users: [String: String], now: Date) -> [String] {
        calls.withLock { $0.append(users) }
        return users.keys.contains("alice") ? ["alice: AccessDenied"] : []
    }
}

@Suite struct ImportKeySnapshotTests {
    func world(_ snapshot: ImportRecordingSnapshot, groups: Result<[String], AWSError> = .success([])) -> ImportHarness
    {
        ImportHarness(
            aws: ImportFakeAWS(.init(users: .success(["alice", "bob+x"]), groups: ["admins": groups])),
            keySnapshot: snapshot)
    }

    @Test func aCompleteRunRefreshesTheCacheOfEveryManagedAccount() throws {
        let snapshot = ImportRecordingSnapshot()
        let harness = world(snapshot)
        #expect(try harness.run("KEY_CACHE_TTL=300\nSUDOERS_GROUPS=admins\n").exitCode == .ok)
        #expect(snapshot.calls.withLock { $0 } == [["alice": "alice", "bob.plus.x": "bob+x"]])
        #expect(harness.log.all.contains("warning: key cache: alice: AccessDenied"))
    }

    @Test(arguments: [
        ("KEY_CACHE_TTL=0\n", ImportOptions()),
        ("KEY_CACHE_TTL=300\n", ImportOptions(dryRun: true)),
    ])
    func noRefreshWithoutCacheFirstModeOrOnADryRun(config: String, options: ImportOptions) throws {
        let snapshot = ImportRecordingSnapshot()
        #expect(try world(snapshot).run(config, options).exitCode == .ok)
        #expect(snapshot.calls.withLock { $0 }.isEmpty)
    }

    @Test func noRefreshAfterAnIncompleteRead() throws {
        let snapshot = ImportRecordingSnapshot()
        let harness = world(snapshot, groups: .failure(.timeout(detail: "iam")))
        #expect(try harness.run("KEY_CACHE_TTL=300\nSUDOERS_GROUPS=admins\n").exitCode == .partial)
        #expect(snapshot.calls.withLock { $0 }.isEmpty)
    }
}
