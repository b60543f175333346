import EC2SSHCore
import EC2SSHSystem
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

/// userdel removes a home directory only when it is the account's own directory under the home base.
@Suite struct PlanExecutorHomeTests {
    typealias World = PlanExecutorWorld

    /// Deletes managed account `name` (uid 2000) and returns the userdel command line run.
    func delete(
        _ name: String = "alice", world: World, configuration: Configuration = Configuration()
    ) throws -> String? {
        let state = ManagedState(accounts: [name: World.entry(name, uid: 2000)])
        let intent = ManagedState(accounts: [name: World.entry(name, uid: 2000, status: .deleting)])
        let report = world.executor(configuration).execute(
            World.plan(
                [.deleteUser(localName: name, iamUserName: name, sudoersFileName: "aws-ec2-ssh-x")],
                intent: intent, final: ManagedState()),
            from: state)
        #expect(report.failure == nil)
        #expect(world.host.host.users[name] == nil)
        #expect(try world.savedState() == ManagedState())
        return world.host.commandLines.first { $0.hasPrefix("/usr/sbin/userdel") }
    }

    static func world(_ name: String = "alice", others: [(String, UInt32)] = []) -> World {
        World(host: FakeAccountHost(users: [(name, 2000), ("root", 0)] + others))
    }

    @Test func aDedicatedHomeUnderTheHomeBaseIsRemoved() throws {
        let world = Self.world()
        world.makeHome("/home/alice", uid: 2000)
        #expect(try delete(world: world) == "/usr/sbin/userdel --force --remove -- alice")
        #expect(!world.log.text.contains("keeping the home directory"))
    }

    @Test(arguments: [
        ("/home", "is not the dedicated directory /home/alice"),
        ("/", "is not the dedicated directory /home/alice"),
        ("/home/alice/..", "is not the dedicated directory /home/alice"),
        ("/etc", "is not the dedicated directory /home/alice"),
        ("/home/bob", "is not the dedicated directory /home/alice"),
    ])
    func aHomeThatIsNotTheAccountsOwnDirectoryIsKept(home: String, reason: String) throws {
        let world = Self.world()
        world.host.setHome("alice", home)
        world.makeHome(home, uid: 2000)
        #expect(try delete(world: world) == "/usr/sbin/userdel --force -- alice")
        #expect(world.log.text.contains("keeping the home directory \(home) of alice: its home"))
        #expect(world.log.text.contains(reason))
        #expect(world.log.text.contains("userdel runs without --remove"))
    }

    @Test(arguments: [".", ".."])
    func anAccountNamedLikeAPathComponentNeverLosesTheHomeBase(name: String) throws {
        let world = Self.world(name)
        world.makeHome("/home/\(name)", uid: 2000)
        #expect(try delete(name, world: world) == "/usr/sbin/userdel --force -- \(name)")
        #expect(world.log.text.contains("keeping the home directory /home/\(name) of \(name)"))
    }

    @Test(arguments: [
        (FileType.symbolicLink, UInt32(2000), "symbolic link"), (.regular, 2000, "not a directory"),
        (.directory, 0, "owned by UID 0"), (.directory, 2001, "owned by UID 2001"),
    ])
    func aHomeThatIsASymlinkOrNotOwnedByTheAccountIsKept(type: FileType, owner: UInt32, reason: String) throws {
        let world = Self.world()
        world.makeHome("/home/alice", uid: owner, type: type)
        #expect(try delete(world: world) == "/usr/sbin/userdel --force -- alice")
        #expect(world.log.text.contains(reason))
    }

    @Test func aMissingHomeIsNotRemoved() throws {
        let world = Self.world()
        #expect(try delete(world: world) == "/usr/sbin/userdel --force -- alice")
        #expect(world.log.text.contains("does not exist"))
    }

    @Test func aHomeSharedWithAnotherAccountIsKept() throws {
        let world = Self.world(others: [("bob", 2001)])
        world.host.setHome("bob", "/home/alice/")
        world.makeHome("/home/alice", uid: 2000)
        #expect(try delete(world: world) == "/usr/sbin/userdel --force -- alice")
        #expect(world.log.text.contains("of account bob"))
    }

    @Test func theHomeBaseComesFromUseraddDefaults() throws {
        let world = Self.world()
        try world.fileSystem.writeFileAtomically(
            "/etc/default/useradd", contents: Array("SHELL=/bin/sh\nHOME=/srv/home\n".utf8), mode: 0o644,
            owner: .root)
        world.host.setHome("alice", "/srv/home/alice")
        world.makeHome("/srv/home/alice", uid: 2000)
        #expect(try delete(world: world) == "/usr/sbin/userdel --force --remove -- alice")

        let other = Self.world()
        try other.fileSystem.writeFileAtomically(
            "/etc/default/useradd", contents: Array("HOME=/srv/home\n".utf8), mode: 0o644, owner: .root)
        other.makeHome("/home/alice", uid: 2000)
        #expect(try delete(world: other) == "/usr/sbin/userdel --force -- alice")
    }

    @Test(arguments: [("-rf", "-f"), ("--remove -f", "-f"), ("-r --root /", "--root /")])
    func homeRemovalIsTakenOutOfAnyFormOfUserdelArgs(arguments: String, kept: String) throws {
        let (configuration, _) = try Configuration.parse("USERDEL_ARGS=\"\(arguments)\"\n", path: "conf")
        let world = Self.world()
        world.host.setHome("alice", "/home")
        #expect(try delete(world: world, configuration: configuration) == "/usr/sbin/userdel \(kept) -- alice")
    }

    @Test func userdelArgsWithoutRemovalAreLeftAlone() throws {
        let (configuration, _) = try Configuration.parse("USERDEL_ARGS=\"--force\"\n", path: "conf")
        let world = Self.world()
        world.host.setHome("alice", "/")
        #expect(try delete(world: world, configuration: configuration) == "/usr/sbin/userdel --force -- alice")
        #expect(!world.log.text.contains("keeping the home directory"))
    }
}
