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

/// A user who loses access is locked, loses sudo and leaves the index at once; the deletion waits.
@Suite struct ImportRevocationTests {
    static let config = "SUDOERS_GROUPS=\"##ALL##\"\nDELETE_AFTER_MISSING_RUNS=\"3\"\n"
    static let lock = "/usr/sbin/usermod --lock --expiredate 1 -- bob"
    static let unlock = "/usr/sbin/usermod --unlock --expiredate '' -- bob"

    func world() -> ImportRunHarness {
        ImportRunHarness(
            host: FakeAccountHost(users: [("root", 0)]),
            aws: FakeAWSReader(.init(users: .success(["alice", "bob", "carol"]))))
    }

    func indexed(_ world: ImportRunHarness) throws -> [String] {
        let bytes = try #require(try world.fileSystem.readFile(ImportRunHarness.indexPath))
        return try ManagedUsersIndex.decoded(from: Data(bytes), path: "index").users.keys.sorted()
    }

    @Test func revocationIsImmediateAndReversible() throws {
        let world = world()
        #expect(try world.run(Self.config).exitCode == .ok)
        world.aws.update { $0.users = .success(["alice", "carol"]) }
        world.host.clearCommands()
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.host.commandLines == [Self.lock])
        #expect(world.host.host.locked == ["bob"])
        #expect(world.host.host.users["bob"] != nil)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-bob") == nil)
        #expect(try indexed(world) == ["alice", "carol"])
        #expect(try world.state().accounts["bob"]?.lock == .locked)

        world.aws.update { $0.users = .success(["alice", "bob", "carol"]) }
        world.host.clearCommands()
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.host.commandLines.first == Self.unlock)
        #expect(world.host.host.locked.isEmpty)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-bob") != nil)
        #expect(try indexed(world) == ["alice", "bob", "carol"])
        #expect(try world.state().accounts["bob"]?.lock == nil)
    }

    @Test func theUserLeavesTheIndexBeforeAnyCommandRuns() throws {
        let world = world()
        #expect(try world.run(Self.config).exitCode == .ok)
        world.aws.update { $0.users = .success(["alice", "carol"]) }
        let seen = Mutex<[String: [String]]>([:])
        world.host.observe { command in
            let index = try? indexed(world)
            seen.withLock { $0[command.description] = index }
        }
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(seen.withLock { $0 } == [Self.lock: ["alice", "carol"]])
    }

    @Test func aLockThatFailedIsRetriedAndTheUserStaysOutOfTheIndex() throws {
        let world = world()
        #expect(try world.run(Self.config).exitCode == .ok)
        world.aws.update { $0.users = .success(["alice", "carol"]) }
        world.host.fail(Self.lock)
        #expect(try world.run(Self.config).exitCode == .partial)
        #expect(try world.state().accounts["bob"]?.lock == .locking)
        #expect(try indexed(world) == ["alice", "carol"])
        world.host.clearFailures()
        world.host.clearCommands()
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.host.commandLines == [Self.lock])
        #expect(world.host.host.locked == ["bob"])
        #expect(try world.state().accounts["bob"]?.lock == .locked)
    }
}

/// A deleted IAM group is an answer; a failed read holds back only what it could affect.
@Suite struct ImportReadScopeTests {
    static let noSuchEntity = AWSError.service(
        code: "NoSuchEntity", message: "The group with name gone cannot be found.", requestID: nil, status: 404)
    static let throttled = AWSError.service(code: "Throttling", message: "Rate exceeded", requestID: nil, status: 400)

    @Test func aGroupDeletedInIAMRevokesItsMembersAndTheRunSucceeds() throws {
        let config = "IAM_AUTHORIZED_GROUPS=\"ssh,gone\"\nSUDOERS_GROUPS=\"gone\"\n"
        let world = ImportRunHarness(
            host: FakeAccountHost(users: [("root", 0)]),
            aws: FakeAWSReader(.init(groups: ["ssh": .success(["alice"]), "gone": .success(["bob"])])))
        #expect(try world.run(config).exitCode == .ok)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-bob") != nil)
        world.aws.update { $0.groups["gone"] = .failure(Self.noSuchEntity) }
        #expect(try world.run(config).exitCode == .ok)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-bob") == nil)
        #expect(world.host.host.users["bob"] == nil)
        #expect(world.host.host.users["alice"] != nil)
        #expect(world.log.text.contains("warning: IAM group gone does not exist"))
        #expect(!world.log.text.contains("incomplete"))
    }

    @Test func aFailedSudoersGroupDoesNotStopAccessChanges() throws {
        let config = "SUDOERS_GROUPS=\"admins,ops\"\n"
        let world = ImportRunHarness(
            host: FakeAccountHost(users: [("root", 0)]),
            aws: FakeAWSReader(
                .init(
                    users: .success(["alice", "bob", "erin"]),
                    groups: ["admins": .success(["alice"]), "ops": .success(["bob"])])))
        #expect(try world.run(config).exitCode == .ok)
        world.aws.update {
            $0.users = .success(["alice", "bob", "dave"])
            $0.groups["ops"] = .failure(Self.throttled)
        }
        #expect(try world.run(config).exitCode == .partial)
        #expect(world.host.host.users["erin"] == nil)
        #expect(world.host.host.users["dave"] != nil)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-bob") != nil)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-alice") != nil)
        #expect(world.log.text.contains("GetGroup ops"))
    }
}
