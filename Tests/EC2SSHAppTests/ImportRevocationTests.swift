import AWSCore
import EC2SSH
import EC2SSHSystem
import Testing

@testable import EC2SSHApp

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

    func world() -> ImportHarness {
        ImportHarness(
            host: ImportFakeHost(users: [("root", 0)]),
            aws: ImportFakeAWS(.init(users: .success(["alice", "bob", "carol"]))))
    }

    func indexed(_ world: ImportHarness) throws -> [String] {
        let bytes = try #require(try world.fileSystem.readFile(ImportHarness.indexPath))
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
        #expect(world.fileSystem.entry("/etc/sudoers.d/aws-ec2-ssh-bob") == nil)
        #expect(try indexed(world) == ["alice", "carol"])
        #expect(try world.state().accounts["bob"]?.lock == .locked)

        world.aws.update { $0.users = .success(["alice", "bob", "carol"]) }
        world.host.clearCommands()
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.host.commandLines.first == Self.unlock)
        #expect(world.host.host.locked.isEmpty)
        #expect(world.fileSystem.entry("/etc/sudoers.d/aws-ec2-ssh-bob") != nil)
        #expect(try indexed(world) == ["alice", "bob", "carol"])
        #expect(try world.state().accounts["bob"]?.lock == nil)
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
