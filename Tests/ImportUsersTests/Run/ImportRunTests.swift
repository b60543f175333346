import AWSCore
import EC2SSHCore
import EC2SSHSystem
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

@Suite struct ImportRunTests {
    static let denied = AWSError.service(code: "AccessDenied", message: "no", requestID: nil, status: 403)
    static let config = "SUDOERS_GROUPS=\"admins\"\nLOCAL_GROUPS=\"docker\"\n"

    func harness(users: [String] = ["alice", "bob"], admins: [String] = ["alice"]) -> ImportRunHarness {
        ImportRunHarness(
            host: FakeAccountHost(users: [("root", 0), ("ec2-user", 1000)], groups: [("docker", 500, [])]),
            aws: FakeAWSReader(.init(users: .success(users), groups: ["admins": .success(admins)])))
    }

    @Test func createsAccountsThenASecondRunWritesNothingAndSpawnsNothing() throws {
        let world = harness()
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.host.groupNames(of: "alice") == ["docker", "iam-synced-users"])
        #expect(world.host.groupNames(of: "bob") == ["docker", "iam-synced-users"])
        let sudoers = try #require(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-alice"))
        #expect(sudoers.mode == 0o440 && sudoers.owner == .root)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-bob") == nil)
        let state = try world.state()
        #expect(state.accounts.keys.sorted() == ["alice", "bob"])
        #expect(state.accounts.values.allSatisfy { $0.status == .active && $0.uid != nil })
        let index = try ManagedUsersIndex.decoded(
            from: Data(try #require(try world.fileSystem.readFile(ImportRunHarness.indexPath))), path: "index")
        #expect(index.users.keys.sorted() == ["alice", "bob"])
        #expect(world.fileSystem.node(ImportRunHarness.indexPath)?.mode == 0o644)
        #expect(world.locks.withLock { $0 } == [ImportRunHarness.stateDir + "/import_users.lock"])
        #expect(world.output.isEmpty)

        world.fileSystem.clearChanges()
        world.host.clearCommands()
        let again = try world.run(Self.config)
        #expect(again.exitCode == .ok)
        #expect(again.report == nil)
        // The first run that changes nothing records so (SKIP_UNCHANGED_RUNS); the next ones write only their status.
        #expect(
            world.fileSystem.changes == [.write(ImportRunHarness.unchangedPath), .write(ImportRunHarness.statusPath)])
        #expect(world.host.commands.isEmpty)
        #expect(world.log.text.contains("nothing to change"))
        world.fileSystem.clearChanges()
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.fileSystem.changes == [.write(ImportRunHarness.statusPath)])
        #expect(world.host.commands.isEmpty)
    }

    @Test func withoutTheShortcutASecondRunWritesOnlyItsStatus() throws {
        let world = harness()
        let config = Self.config + "SKIP_UNCHANGED_RUNS=\"0\"\n"
        #expect(try world.run(config).exitCode == .ok)
        for _ in 0..<2 {
            world.fileSystem.clearChanges()
            world.host.clearCommands()
            let again = try world.run(config)
            #expect(again.exitCode == .ok && again.plan != nil && again.report == nil)
            #expect(world.fileSystem.changes == [.write(ImportRunHarness.statusPath)])
            #expect(world.host.commands.isEmpty)
        }
    }

    @Test(arguments: [false, true])
    func dryRunPrintsThePlanAndChangesNothing(json: Bool) throws {
        let world = harness()
        let outcome = try world.run(Self.config, ImportOptions(dryRun: true, json: json))
        #expect(outcome.exitCode == .ok)
        #expect(world.fileSystem.changes.isEmpty)
        #expect(world.host.commands.isEmpty)
        #expect(world.locks.withLock { $0 }.isEmpty)
        if json {
            struct Document: Decodable {
                struct Action: Decodable { var type: String, result: String }
                var format: Int
                var actions: [Action]
            }
            let document = try JSONDecoder().decode(Document.self, from: Data(world.output.utf8))
            #expect(document.format == 1)
            #expect(
                document.actions.map(\.type)
                    == outcome.plan?.actions.map { "\($0)".prefix { $0 != "(" } }.map(String.init))
            #expect(document.actions.allSatisfy { $0.result == "planned" })
        } else {
            #expect(world.output.contains("create user alice"))
            #expect(world.output.contains("grant sudo to alice"))
        }
    }

    @Test func doNotSyncRefusesBeforeAnything() throws {
        let world = harness()
        #expect(try world.run("DONOTSYNC=1\n").exitCode == .doNotSync)
        #expect(world.aws.calls.isEmpty && world.fileSystem.changes.isEmpty && world.host.commands.isEmpty)
        #expect(world.log.text.contains("DONOTSYNC=1"))
    }

    @Test func aHeldLockExitsAtOnce() throws {
        let world = harness()
        world.lockHeld.withLock { $0 = true }
        #expect(try world.run(Self.config).exitCode == .lockHeld)
        #expect(world.aws.calls.isEmpty && world.host.commands.isEmpty)
        #expect(world.log.text.contains("another import_users run holds the lock"))
    }

    @Test func unreadableIAMChangesNothing() throws {
        let world = ImportRunHarness(aws: FakeAWSReader(.init(users: .failure(Self.denied))))
        #expect(try world.run().exitCode == .aws)
        #expect(world.host.commands.isEmpty)
        #expect(
            world.fileSystem.changes.filter { $0 != .write(ImportRunHarness.statusPath) }.allSatisfy {
                if case .write = $0 { false } else { true }
            })
        #expect(world.log.text.contains("AccessDenied"))
        #expect(world.log.text.contains("grant the role the IAM read permissions"))
    }

    @Test func aCorruptStateFileIsAConfigurationError() throws {
        let world = harness()
        try world.fileSystem.createDirectory(ImportRunHarness.stateDir, mode: 0o755, owner: .root)
        try world.fileSystem.writeFileAtomically(
            ImportRunHarness.statePath, contents: Array("{".utf8), mode: 0o600, owner: .root)
        world.fileSystem.clearChanges()
        #expect(try world.run(Self.config).exitCode == .configuration)
        #expect(world.fileSystem.changes == [.write(ImportRunHarness.statusPath)] && world.host.commands.isEmpty)
        #expect(world.log.text.contains("state.json"))
    }

    @Test(arguments: [
        FileStatus(type: .directory, mode: 0o777, uid: 0, gid: 0),
        FileStatus(type: .directory, mode: 0o755, uid: 1000, gid: 0),
        FileStatus(type: .symbolicLink, mode: 0o777, uid: 0, gid: 0),
    ])
    func anUnsafeStateDirectoryIsRefused(status: FileStatus) throws {
        for options in [ImportOptions(), ImportOptions(dryRun: true)] {
            let world = harness()
            world.fileSystem.add(ImportRunHarness.stateDir, status: status)
            #expect(try world.run(Self.config, options).exitCode == .configuration)
            #expect(world.fileSystem.changes.isEmpty && world.host.commands.isEmpty && world.aws.calls.isEmpty)
            #expect(world.log.text.contains("is not safe"))
        }
    }

    @Test func anIncompleteReadCreatesButNeverDeletesOrRevokesWhatTheFailedReadCouldAffect() throws {
        let config = Self.config + "IAM_AUTHORIZED_GROUPS=\"ssh,devs\"\n"
        let world = ImportRunHarness(
            host: FakeAccountHost(users: [("root", 0)], groups: [("docker", 500, [])]),
            aws: FakeAWSReader(
                .init(
                    groups: [
                        "ssh": .success(["alice", "bob"]), "devs": .success([]), "admins": .success(["alice"]),
                    ])))
        #expect(try world.run(config).exitCode == .ok)
        world.aws.update {
            $0.groups["ssh"] = .success(["carol"])
            $0.groups["devs"] = .failure(Self.denied)
            $0.groups["admins"] = .failure(Self.denied)
        }
        world.host.clearCommands()
        #expect(try world.run(config).exitCode == .partial)
        #expect(world.host.host.users["alice"] != nil && world.host.host.users["bob"] != nil)
        #expect(world.host.host.locked.isEmpty)
        #expect(world.host.host.users["carol"] != nil)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-alice") != nil)
        #expect(!world.host.commandLines.contains { $0.contains("userdel") || $0.contains("--lock") })
    }

    @Test func aFailedActionIsAPartialRunAndTheNextRunRepairs() throws {
        let world = harness()
        world.host.fail(
            "/usr/sbin/useradd --user-group --create-home --shell /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 --groups iam-synced-users,docker -- bob"
        )
        let outcome = try world.run(Self.config)
        #expect(outcome.exitCode == .partial)
        #expect(try world.state().accounts["bob"]?.status == .creating)
        #expect(world.log.text.contains("run incomplete"))
        #expect(world.log.all.filter { $0.hasPrefix("error:") }.count == 1, "one error line for one failure")
        world.host.clearFailures()
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(try world.state().accounts.values.allSatisfy { $0.status == .active })
    }

    @Test func anUnwritableIndexIsAPartialRun() throws {
        let world = harness()
        world.fileSystem.failWrites(to: ImportRunHarness.indexPath)
        #expect(try world.run(Self.config).exitCode == .partial)
        #expect(try world.state().accounts.count == 2)
        #expect(world.log.text.contains("cannot write \(ImportRunHarness.indexPath)"))
    }

    @Test func preExistingAccountsAreConflictsAndNeverTouched() throws {
        let world = harness(users: ["root", "ec2-user", "alice"], admins: ["root", "ec2-user"])
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.host.groupNames(of: "root").isEmpty && world.host.groupNames(of: "ec2-user").isEmpty)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-root") == nil)
        #expect(try world.state().accounts.keys.sorted() == ["alice"])
        #expect(world.log.text.contains("conflict: local account root"))
        #expect(!world.host.commandLines.contains { $0.hasSuffix("-- root") || $0.hasSuffix("-- ec2-user") })
    }

    @Test func theDeletionCapHoldsUnlessForced() throws {
        let world = harness(users: ["alice", "bob", "carol"], admins: [])
        #expect(try world.run(Self.config).exitCode == .ok)
        world.aws.update { $0.users = .success(["carol"]) }
        #expect(try world.run(Self.config).exitCode == .partial)
        #expect(world.host.host.users["alice"] != nil && world.host.host.users["bob"] != nil)
        #expect(world.log.text.contains("REFUSING to delete 2 of 3"))
        #expect(try world.run(Self.config, ImportOptions(force: true)).exitCode == .ok)
        #expect(world.host.host.users["alice"] == nil && world.host.host.users["bob"] == nil)
        #expect(try world.state().accounts.keys.sorted() == ["carol"])
    }

    @Test func deterministicUIDsAreOneUseraddWithTheUserGroupsGIDPinned() throws {
        let world = harness(users: ["alice"], admins: [])
        let config = Self.config + "UID_SOURCE=\"iam-user-id\"\nUID_RANGE=\"70000-70999\"\n"
        #expect(try world.run(config).exitCode == .ok)
        let uid = UIDAllocator.preferredUID(for: FakeAWSReader.userID("alice"), in: 70_000...70_999)
        #expect(
            world.host.commandLines.filter { $0.contains("alice") } == [
                "/usr/sbin/useradd --user-group --create-home --shell /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 --uid \(uid) -K GID_MIN=\(uid) -K "
                    + "GID_MAX=\(uid) --groups iam-synced-users,docker -- alice"
            ])
        #expect(world.host.host.users["alice"]?.gid == uid)
        #expect(try world.state().accounts["alice"]?.uid == uid)
    }

    @Test func theIndexCarriesARNsAndKeepsThemForUsersAnIncompleteReadMissed() throws {
        let config = "IAM_AUTHORIZED_GROUPS=\"ssh,devs\"\n"
        let world = ImportRunHarness(
            aws: FakeAWSReader(.init(groups: ["ssh": .success(["alice"]), "devs": .success(["bob"])])))
        func arns() throws -> [String: String?] {
            let bytes = try #require(try world.fileSystem.readFile(ImportRunHarness.indexPath))
            return try ManagedUsersIndex.decoded(from: Data(bytes), path: "i").users.mapValues(\.iamUserARN)
        }
        #expect(try world.run(config).exitCode == .ok)
        #expect(try arns() == ["alice": "arn:aws:iam::1:user/alice", "bob": "arn:aws:iam::1:user/bob"])
        world.aws.update { $0.groups["devs"] = .failure(Self.denied) }
        #expect(try world.run(config).exitCode == .partial)
        #expect(try arns() == ["alice": "arn:aws:iam::1:user/alice", "bob": "arn:aws:iam::1:user/bob"])
        // A previous entry of another IAM UserId is not trusted for the ARN.
        let bytes = try #require(try world.fileSystem.readFile(ImportRunHarness.indexPath))
        var index = try ManagedUsersIndex.decoded(from: Data(bytes), path: "i")
        index.users["bob"] = .init(iamUserName: "bob", iamUserID: "AIDAOTHER", iamUserARN: "arn:aws:iam::1:user/x")
        try world.fileSystem.writeFileAtomically(
            ImportRunHarness.indexPath, contents: Array(try index.encoded()), mode: 0o644, owner: .root)
        #expect(try world.run(config).exitCode == .partial)
        #expect(try arns() == ["alice": "arn:aws:iam::1:user/alice", "bob": nil])
    }

    @Test func anIndexInTheEarlierPrettyLayoutIsRewrittenSortedOnTheNextRunAndThenLeftAlone() throws {
        let world = harness()
        #expect(try world.run(Self.config).exitCode == .ok)
        let sorted = try #require(try world.fileSystem.readFile(ImportRunHarness.indexPath))
        #expect(sorted.starts(with: ManagedUsersIndex.sortedLinesHeader))
        // What earlier versions wrote: the same index, pretty-printed.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let pretty = try encoder.encode(try ManagedUsersIndex.decoded(from: Data(sorted), path: "i"))
        try world.fileSystem.writeFileAtomically(
            ImportRunHarness.indexPath, contents: Array(pretty), mode: 0o644, owner: .root)
        world.fileSystem.clearChanges()
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.fileSystem.changes == [.write(ImportRunHarness.indexPath), .write(ImportRunHarness.statusPath)])
        #expect(try world.fileSystem.readFile(ImportRunHarness.indexPath) == sorted)
        world.fileSystem.clearChanges()
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(
            world.fileSystem.changes == [.write(ImportRunHarness.unchangedPath), .write(ImportRunHarness.statusPath)])
        world.fileSystem.clearChanges()
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.fileSystem.changes == [.write(ImportRunHarness.statusPath)])
    }

    @Test func anIndexWrittenWithoutARNsGetsThemOnTheNextRun() throws {
        let world = harness(users: ["alice"], admins: [])
        #expect(try world.run(Self.config).exitCode == .ok)
        let bytes = try #require(try world.fileSystem.readFile(ImportRunHarness.indexPath))
        var index = try ManagedUsersIndex.decoded(from: Data(bytes), path: "i")
        index.users["alice"]?.iamUserARN = nil
        try world.fileSystem.writeFileAtomically(
            ImportRunHarness.indexPath, contents: Array(try index.encoded()), mode: 0o644, owner: .root)
        #expect(try world.run(Self.config).exitCode == .ok)
        let again = try ManagedUsersIndex.decoded(
            from: Data(try #require(try world.fileSystem.readFile(ImportRunHarness.indexPath))), path: "i")
        #expect(again.users["alice"]?.iamUserARN == "arn:aws:iam::1:user/alice")
    }

    @Test func theIndexCarriesExpiriesAndKeepsThemWhenTagsCannotBeRead() throws {
        let world = harness(users: ["alice"], admins: [])
        world.aws.update { $0.tags["alice"] = .success(["expires": "2030-01-01"]) }
        let config = Self.config + "ACCESS_EXPIRY_TAG=\"expires\"\n"
        #expect(try world.run(config).exitCode == .ok)
        let expiry = Date(timeIntervalSince1970: 1_893_456_000)
        func indexed() throws -> Date? {
            let bytes = try #require(try world.fileSystem.readFile(ImportRunHarness.indexPath))
            return try ManagedUsersIndex.decoded(from: Data(bytes), path: "i").users["alice"]?.accessExpiresAt
        }
        #expect(try indexed() == expiry)
        world.aws.update { $0.tags["alice"] = .failure(Self.denied) }
        #expect(try world.run(config).exitCode == .partial)
        #expect(try indexed() == expiry)
        #expect(world.host.host.users["alice"] != nil)
    }
}
