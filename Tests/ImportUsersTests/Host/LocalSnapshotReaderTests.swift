import EC2SSHCore
import EC2SSHSystem
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

@Suite struct LocalSnapshotReaderTests {
    @Test func readsAccountsGroupsOurSudoersFilesAndUIDMin() throws {
        let host = FakeAccountHost(
            users: [("root", 0), ("alice", 2000)],
            groups: [("iam-synced-users", 900, ["alice"]), ("docker", 901, ["alice", "root"])])
        let fileSystem = MemoryFileSystem(
            files: [
                "/etc/sudoers.d/aws-ec2-ssh-alice": "ours\n", "/etc/sudoers.d/90-cloud-init-users": "theirs\n",
                "/etc/sudoers.d/alice": "legacy\n", "/etc/login.defs": "UID_MIN 500\n",
            ], directories: ["/etc/sudoers.d"])
        let read = try LocalSnapshotReader(
            accounts: host, fileSystem: fileSystem, paths: .standard, sudoers: try SudoersFile()
        ).read()
        #expect(read.snapshot.accounts["alice"]?.groups == ["iam-synced-users", "docker"])
        #expect(read.snapshot.accounts["root"]?.groups == ["docker"])
        #expect(read.snapshot.groups == ["iam-synced-users", "docker"])
        #expect(read.snapshot.sudoersFiles == ["aws-ec2-ssh-alice": "ours\n", "90-cloud-init-users": "", "alice": ""])
        #expect(read.snapshot.usedUIDs == [0, 2000])
        #expect(read.snapshot.usedGIDs.isSuperset(of: [900, 901]))
        #expect(read.loginDefs.uidMin == 500)
        #expect(read.snapshot.groupIDs == ["iam-synced-users": 900, "docker": 901])

        let legacy = try LocalSnapshotReader(
            accounts: host, fileSystem: fileSystem, paths: .standard, sudoers: try SudoersFile(),
            readsLegacyFiles: true
        ).read()
        #expect(legacy.snapshot.sudoersFiles["alice"] == "legacy\n")
        #expect(fileSystem.changes.isEmpty)
    }

    @Test func missingFilesGiveDefaults() throws {
        let read = try LocalSnapshotReader(
            accounts: FakeAccountHost(), fileSystem: MemoryFileSystem(), paths: .standard,
            sudoers: try SudoersFile()
        ).read()
        #expect(read.snapshot.sudoersFiles.isEmpty)
        #expect(read.loginDefs == .defaults)
    }
}
