import AWSCore
import EC2SSHCore
import EC2SSHSystem
import Synchronization
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

/// `--adopt-legacy-accounts` stays in force until one run has succeeded, whatever runs next.
@Suite struct ImportAdoptionPendingTests {
    static let config = "SUDOERS_GROUPS=\"admins\"\n"
    static let pendingPath = ImportRunHarness.stateDir + "/" + LegacyAdoption.markerFileName
    static let throttled = AWSError.service(code: "Throttling", message: "Rate exceeded", requestID: nil, status: 400)

    /// A host the bash tool managed, without a state: alice (uid 1500) in the marker group, and dave (uid 1600),
    /// whom an admin put in the marker group by hand and who has no IAM user yet.
    func bashToolHost(iam users: Result<[String], AWSError> = .success(["alice"])) -> ImportRunHarness {
        let world = ImportRunHarness(
            host: FakeAccountHost(
                users: [("root", 0), ("alice", 1500), ("dave", 1600)],
                groups: [("iam-synced-users", 900, ["alice", "dave"])]),
            aws: FakeAWSReader(.init(users: users, groups: ["admins": .success(["alice"])])))
        return world
    }

    @Test func aFailedFirstImportLeavesAdoptionPendingAndAPlainRunAdopts() throws {
        let world = bashToolHost(iam: .failure(Self.throttled))
        #expect(try world.run(Self.config, ImportOptions(adoptLegacyAccounts: true)).exitCode == .aws)
        let marker = try #require(world.fileSystem.node(Self.pendingPath))
        #expect(marker.mode == 0o600 && marker.owner == .root)
        #expect(world.fileSystem.text(Self.pendingPath)?.contains("\"format\": 1") == true)

        // The hint a failed migration gives: run import_users by hand, without the flag. It adopts.
        world.aws.update { $0.users = .success(["alice"]) }
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(try world.state().accounts.keys.sorted() == ["alice"])
        #expect(try world.state().accounts["alice"]?.sudo == true)
        #expect(world.log.text.contains("adoption of the bash aws-ec2-ssh's accounts is pending"))
        #expect(world.log.text.contains("adopting account alice"))
        #expect(!world.log.text.contains("conflict: local account alice"))
        #expect(world.fileSystem.node(Self.pendingPath) == nil)

        // Done once: a marker-group member whose IAM user appears later is a conflict, never adopted.
        world.aws.update { $0.users = .success(["alice", "dave"]) }
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(try world.state().accounts["dave"] == nil)
        #expect(world.log.text.contains("conflict: local account dave"))
    }

    @Test func theMarkerIsWrittenBeforeAnythingElse() throws {
        let world = bashToolHost()
        world.lockHeld.withLock { $0 = true }
        #expect(try world.run(Self.config, ImportOptions(adoptLegacyAccounts: true)).exitCode == .lockHeld)
        #expect(world.fileSystem.changes == [.createDirectory(ImportRunHarness.stateDir), .write(Self.pendingPath)])
        #expect(world.aws.calls.isEmpty)

        let donotsync = bashToolHost()
        #expect(
            try donotsync.run(Self.config + "DONOTSYNC=\"1\"\n", ImportOptions(adoptLegacyAccounts: true)).exitCode
                == .doNotSync)
        #expect(donotsync.fileSystem.node(Self.pendingPath) != nil)
        #expect(donotsync.aws.calls.isEmpty)
    }

    @Test func aRunThatCannotRecordTheMarkerChangesNothing() throws {
        let world = bashToolHost()
        world.fileSystem.failWrites(to: Self.pendingPath)
        #expect(try world.run(Self.config, ImportOptions(adoptLegacyAccounts: true)).exitCode == .configuration)
        #expect(world.fileSystem.changes == [.createDirectory(ImportRunHarness.stateDir)])
        #expect(world.aws.calls.isEmpty && world.host.commands.isEmpty)
        #expect(world.log.text.contains("cannot record that adoption is pending"))
    }

    @Test func aPartialRunKeepsItPendingAndTheNextCleanRunClearsIt() throws {
        let world = bashToolHost()
        world.fileSystem.failWrites(to: "/etc/sudoers.d/aws-ec2-ssh-alice")
        #expect(try world.run(Self.config, ImportOptions(adoptLegacyAccounts: true)).exitCode == .partial)
        #expect(world.fileSystem.node(Self.pendingPath) != nil)

        let fixed = bashToolHost()
        try fixed.fileSystem.createDirectory(ImportRunHarness.stateDir, mode: 0o755, owner: .root)
        for path in world.fileSystem.paths {
            let entry = try #require(world.fileSystem.node(path))
            try fixed.fileSystem.writeFileAtomically(
                path, contents: entry.bytes, mode: entry.mode, owner: entry.owner)
        }
        #expect(try fixed.run(Self.config).exitCode == .ok)
        #expect(fixed.fileSystem.node(Self.pendingPath) == nil)
    }

    @Test func aDryRunNeitherRecordsNorClearsButShowsTheAdoption() throws {
        let world = bashToolHost()
        #expect(try world.run(Self.config, ImportOptions(dryRun: true, adoptLegacyAccounts: true)).exitCode == .ok)
        #expect(world.fileSystem.node(Self.pendingPath) == nil)

        try world.fileSystem.createDirectory(ImportRunHarness.stateDir, mode: 0o755, owner: .root)
        try world.fileSystem.writeFileAtomically(Self.pendingPath, contents: [0x7b, 0x7d], mode: 0o600, owner: .root)
        world.fileSystem.clearChanges()
        #expect(try world.run(Self.config, ImportOptions(dryRun: true)).exitCode == .ok)
        #expect(world.output.contains("adopting account alice"))
        #expect(world.fileSystem.changes.isEmpty)
    }

    @Test func withoutAMarkerAPlainRunStillRefuses() throws {
        let world = bashToolHost()
        #expect(try world.run(Self.config).exitCode == .stateMissing)
        #expect(world.fileSystem.node(Self.pendingPath) == nil)
    }

    @Test func aMarkerRewrittenDuringTheRunIsKept() throws {
        let fileSystem = MemoryFileSystem(directories: [ImportRunHarness.stateDir])
        let store = StateStore(directory: ImportRunHarness.stateDir, fileSystem: fileSystem)
        try store.recordAdoptionPending(Array("second request".utf8))
        #expect(try store.clearAdoptionPending(ifStill: Array("first request".utf8)) == false)
        #expect(try store.loadAdoptionPending() == Array("second request".utf8))
        #expect(try store.clearAdoptionPending(ifStill: Array("second request".utf8)))
        #expect(try store.loadAdoptionPending() == nil)
    }
}
