import AWSCore
import EC2SSHCore
import EC2SSHSystem
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A lost state.json is a loud error, and `--rebuild-state` (dry run first) is the documented way back.
@Suite struct ImportRebuildStateTests {
    static let config = "SUDOERS_GROUPS=\"admins\"\nDELETE_AFTER_MISSING_RUNS=\"3\"\n"
    static let throttled = AWSError.service(code: "Throttling", message: "Rate exceeded", requestID: nil, status: 400)

    /// A host where alice (sudo) and bob were created, then state.json was lost.
    func worldWithoutState(users: [String] = ["alice", "bob"]) throws -> ImportRunHarness {
        let world = ImportRunHarness(
            host: FakeAccountHost(users: [("root", 0)]),
            aws: FakeAWSReader(.init(users: .success(users), groups: ["admins": .success(["alice"])])))
        #expect(try world.run(Self.config).exitCode == .ok)
        try world.fileSystem.removeFile(ImportRunHarness.statePath)
        world.fileSystem.clearChanges()
        world.host.clearCommands()
        return world
    }

    func indexed(_ world: ImportRunHarness) throws -> [String: ManagedUsersIndex.Entry] {
        let bytes = try #require(try world.fileSystem.readFile(ImportRunHarness.indexPath))
        return try ManagedUsersIndex.decoded(from: Data(bytes), path: "index").users
    }

    @Test(arguments: [ImportOptions(), ImportOptions(dryRun: true), ImportOptions(json: true)])
    func aMissingStateWithMarkerMembersIsALoudErrorThatChangesNothing(options: ImportOptions) throws {
        let world = try worldWithoutState()
        let calls = world.aws.calls.count
        let outcome = try world.run(Self.config, options)
        #expect(outcome.exitCode == .stateMissing)
        #expect(outcome.exitCode.rawValue == 7)
        #expect(world.changedFiles.isEmpty && world.host.commands.isEmpty)
        #expect(world.aws.calls.count == calls)
        #expect(world.log.text.contains("error: \(ImportRunHarness.statePath) is missing"))
        #expect(world.log.text.contains("import_users --rebuild-state --dry-run"))
        #expect(world.log.text.contains("alice, bob"))
    }

    @Test func aStateFileWithoutAccountsIsNotMissing() throws {
        let world = try worldWithoutState()
        try world.fileSystem.writeFileAtomically(
            ImportRunHarness.statePath, contents: Array(try ManagedState().encoded()), mode: 0o600, owner: .root)
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.log.text.contains("conflict: local account alice"))
    }

    @Test func theDryRunShowsTheRebuildThenTheRebuildRestoresOwnership() throws {
        let world = try worldWithoutState()
        let before = try indexed(world)
        let dry = try world.run(Self.config, ImportOptions(dryRun: true, rebuildState: true))
        #expect(dry.exitCode == .ok)
        #expect(world.output.contains("adopting account alice"))
        #expect(world.output.contains("adopting account bob"))
        #expect(world.changedFiles.isEmpty && world.host.commands.isEmpty)

        #expect(try world.run(Self.config, ImportOptions(rebuildState: true)).exitCode == .ok)
        let state = try world.state()
        #expect(state.accounts.keys.sorted() == ["alice", "bob"])
        #expect(state.accounts["alice"]?.sudo == true)
        #expect(state.accounts.values.allSatisfy { $0.uid == world.host.host.users[$0.iamUserName]?.uid })
        #expect(try indexed(world) == before)
        #expect(world.host.commands.isEmpty)

        // From now on it is an ordinary host: nothing to do, and bob's removal locks him.
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.log.text.contains("nothing to change"))
        world.aws.update { $0.users = .success(["alice"]) }
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.host.host.locked == ["bob"])
    }

    @Test func theRebuildIsRefusedWhenStateExists() throws {
        let world = ImportRunHarness(
            host: FakeAccountHost(users: [("root", 0)]),
            aws: FakeAWSReader(.init(users: .success(["alice"]), groups: ["admins": .success([])])))
        #expect(try world.run(Self.config).exitCode == .ok)
        world.fileSystem.clearChanges()
        world.host.clearCommands()
        for options in [ImportOptions(rebuildState: true), ImportOptions(dryRun: true, rebuildState: true)] {
            #expect(try world.run(Self.config, options).exitCode == .configuration)
            #expect(world.changedFiles.isEmpty && world.host.commands.isEmpty)
            #expect(world.log.text.contains("--rebuild-state only rebuilds a missing state file"))
        }
    }

    @Test func theRebuildNeedsACompleteRead() throws {
        let world = try worldWithoutState()
        world.aws.update { $0.groups["admins"] = .failure(Self.throttled) }
        #expect(try world.run(Self.config, ImportOptions(rebuildState: true)).exitCode == .partial)
        #expect(world.changedFiles.isEmpty && world.host.commands.isEmpty)
        #expect(world.log.text.contains("--rebuild-state without a state file needs a complete IAM read"))
        #expect(try world.run(Self.config, ImportOptions(adoptLegacyAccounts: true)).exitCode == .partial)
        // Only the pending adoption is recorded (LegacyAdoption), so that the next run adopts.
        let pending = ImportRunHarness.stateDir + "/" + LegacyAdoption.markerFileName
        #expect(world.changedFiles == [.write(pending)] && world.host.commands.isEmpty)
    }

    @Test(arguments: [ImportOptions(rebuildState: true), ImportOptions(adoptLegacyAccounts: true)])
    func aRebuildThatAdoptsNobodyStillWritesTheState(options: ImportOptions) throws {
        let world = ImportRunHarness(
            host: FakeAccountHost(
                users: [("root", 0), ("handmade", 1500)], groups: [("iam-synced-users", 900, ["handmade"])]),
            aws: FakeAWSReader(.init(users: .success([]), groups: ["admins": .success([])])))
        #expect(try world.run(Self.config).exitCode == .stateMissing)
        #expect(try world.run(Self.config, options).exitCode == .ok)
        #expect(try world.state() == ManagedState())
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.host.host.users["handmade"] != nil)
    }

    @Test func anAccountTheIndexListsForAnotherUserIDIsNotAdopted() throws {
        let world = try worldWithoutState()
        var index = ManagedUsersIndex(users: try indexed(world))
        index.users["bob"]?.iamUserID = "AIDAFORMERBOB"
        try world.fileSystem.writeFileAtomically(
            ImportRunHarness.indexPath, contents: Array(try index.encoded()), mode: 0o644, owner: .root)
        #expect(try world.run(Self.config, ImportOptions(rebuildState: true)).exitCode == .ok)
        #expect(try world.state().accounts.keys.sorted() == ["alice"])
        #expect(world.log.text.contains("AIDAFORMERBOB"))
        #expect(world.host.host.users["bob"] != nil)
    }

    @Test func anAccountImportUsersHadLockedIsAdoptedLockedAndUnlockedWhenAuthorized() throws {
        let world = ImportRunHarness(
            host: FakeAccountHost(users: [("root", 0)]),
            aws: FakeAWSReader(.init(users: .success(["alice", "bob"]), groups: ["admins": .success([])])))
        #expect(try world.run(Self.config).exitCode == .ok)
        world.aws.update { $0.users = .success(["alice"]) }
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.host.host.locked == ["bob"])
        try world.fileSystem.removeFile(ImportRunHarness.statePath)
        world.aws.update { $0.users = .success(["alice", "bob"]) }
        world.host.clearCommands()
        #expect(try world.run(Self.config, ImportOptions(rebuildState: true)).exitCode == .ok)
        #expect(world.host.commandLines == ["/usr/sbin/usermod --unlock --expiredate '' -- bob"])
        #expect(world.host.host.locked.isEmpty)
        #expect(try world.state().accounts["bob"]?.lock == nil)
        #expect(try indexed(world).keys.sorted() == ["alice", "bob"])
    }

    @Test func aMigrationFromTheBashToolStillAdoptsWithoutAState() throws {
        let world = ImportRunHarness(
            host: FakeAccountHost(
                users: [("root", 0), ("alice", 1500)], groups: [("iam-synced-users", 900, ["alice"])]),
            aws: FakeAWSReader(.init(users: .success(["alice"]), groups: ["admins": .success([])])))
        #expect(try world.run(Self.config).exitCode == .stateMissing)
        #expect(world.log.text.contains("--adopt-legacy-accounts"))
        #expect(try world.run(Self.config, ImportOptions(adoptLegacyAccounts: true)).exitCode == .ok)
        #expect(try world.state().accounts.keys.sorted() == ["alice"])
    }
}

extension ImportRunHarness {
    /// The files a run changed, besides last-run.json (written after every run that took the lock).
    fileprivate var changedFiles: [MemoryFileSystem.Change] {
        fileSystem.changes.filter { $0 != .write(Self.statusPath) }
    }
}
