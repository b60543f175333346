import EC2SSHCore
import EC2SSHSystem
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

@Suite struct AccountCommandsTests {
    static let defaults = AccountCommands(configuration: Configuration(), paths: .standard)
    static let plainUseradd = AccountCommands(
        paths: .standard, useraddProgram: "/usr/sbin/useradd", useraddArguments: ["-m"],
        userdelProgram: "/usr/sbin/userdel", userdelArguments: [])

    @Test(arguments: [
        (defaults.groupadd("iam-synced-users"), "/usr/sbin/groupadd -- iam-synced-users"),
        (defaults.groupadd("alice", gid: 70001), "/usr/sbin/groupadd --gid 70001 -- alice"),
        (
            defaults.addToGroups("alice", groups: ["docker", "wheel"]),
            "/usr/sbin/usermod --append --groups docker,wheel -- alice"
        ),
        (defaults.removeFromGroup("alice", group: "docker"), "/usr/bin/gpasswd --delete alice -- docker"),
        (defaults.lock("alice"), "/usr/sbin/usermod --lock --expiredate 1 -- alice"),
        (defaults.deleteUser("alice"), "/usr/sbin/userdel --force --remove -- alice"),
        (defaults.checkSudoers("/var/lib/aws-ec2-ssh/x"), "/usr/sbin/visudo -cf /var/lib/aws-ec2-ssh/x"),
        (defaults.deleteUser("-rf"), "/usr/sbin/userdel --force --remove -- -rf"),
    ])
    func commandLines(command: Command, expected: String) {
        #expect(([command.executable] + command.arguments).joined(separator: " ") == expected)
        #expect(command.environment == Command.defaultEnvironment)
    }

    @Test(arguments: [
        (
            defaults, UInt32?.none, ["iam-synced-users", "docker"],
            [
                "/usr/sbin/useradd --user-group --create-home --shell /bin/bash --groups iam-synced-users,docker -- "
                    + "alice"
            ]
        ),
        (
            defaults, UInt32?.some(70_123), ["iam-synced-users"],
            [
                "/usr/sbin/groupadd --gid 70123 -- alice",
                "/usr/sbin/useradd --create-home --shell /bin/bash --uid 70123 --gid 70123 --groups "
                    + "iam-synced-users -- alice",
            ]
        ),
        (plainUseradd, UInt32?.some(70_123), [], ["/usr/sbin/useradd -m --uid 70123 -- alice"]),
        (plainUseradd, UInt32?.none, ["m"], ["/usr/sbin/useradd -m --groups m -- alice"]),
    ])
    func createUser(commands: AccountCommands, uid: UInt32?, groups: [String], expected: [String]) {
        let lines = commands.createUser("alice", uid: uid, groups: groups).map {
            ([$0.executable] + $0.arguments).joined(separator: " ")
        }
        #expect(lines == expected)
    }

    @Test func userArgumentsAreNeverSplitOrInterpreted() {
        let commands = AccountCommands(
            paths: .standard, useraddProgram: "/opt/add user", useraddArguments: ["--comment", "a b; rm -rf /"],
            userdelProgram: "/usr/sbin/userdel", userdelArguments: [])
        let command = commands.createUser("alice", uid: nil, groups: [])[0]
        #expect(command.executable == "/opt/add user")
        #expect(command.arguments == ["--comment", "a b; rm -rf /", "--", "alice"])
    }
}
