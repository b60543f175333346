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
        (
            defaults.setMembers(of: "docker", to: ["dave", "alice"]),
            "/usr/bin/gpasswd --members dave,alice -- docker"
        ),
        (defaults.setMembers(of: "-x", to: []), "/usr/bin/gpasswd --members  -- -x"),
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
            defaults, UInt32?.none, ["iam-synced-users", "docker"], false,
            "/usr/sbin/useradd --user-group --create-home --shell /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "
                + "--groups iam-synced-users,docker -- alice"
        ),
        (
            defaults, UInt32?.some(70_123), ["iam-synced-users"], false,
            "/usr/sbin/useradd --user-group --create-home --shell /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "
                + "--uid 70123 -K GID_MIN=70123 -K GID_MAX=70123 --groups iam-synced-users -- alice"
        ),
        (
            defaults, UInt32?.some(70_123), ["iam-synced-users"], true,
            "/usr/sbin/useradd --create-home --shell /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 --uid 70123 "
                + "--gid 70123 --groups iam-synced-users -- alice"
        ),
        (plainUseradd, UInt32?.some(70_123), [], false, "/usr/sbin/useradd -m --uid 70123 -- alice"),
        (plainUseradd, UInt32?.some(70_123), [], true, "/usr/sbin/useradd -m --uid 70123 -- alice"),
        (plainUseradd, UInt32?.none, ["m"], false, "/usr/sbin/useradd -m --groups m -- alice"),
    ])
    func createUserIsOneUseradd(
        commands: AccountCommands, uid: UInt32?, groups: [String], existingGroup: Bool, expected: String
    ) {
        let command = commands.createUser("alice", uid: uid, groups: groups, existingGroup: existingGroup)
        #expect(([command.executable] + command.arguments).joined(separator: " ") == expected)
    }

    /// The builder for USERADD_PROGRAM `program`, USERADD_ARGS `arguments` and SUBORDINATE_IDS `subordinateIDs`.
    static func commands(_ program: String, _ arguments: [String], subordinateIDs: Bool) throws -> AccountCommands {
        var text = "USERADD_PROGRAM=\"\(program)\"\nSUBORDINATE_IDS=\"\(subordinateIDs ? 1 : 0)\"\n"
        text += "USERADD_ARGS=\"\(arguments.joined(separator: " "))\"\n"
        let (configuration, _) = try Configuration.parse(text, path: "test")
        return AccountCommands(configuration: configuration, paths: .standard)
    }

    @Test(arguments: [
        // SUBORDINATE_IDS=0 (the default): useradd allocates no /etc/subuid and /etc/subgid ranges.
        ("/usr/sbin/useradd", ["-m"], false, ["-m", "-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0", "--", "alice"]),
        ("/sbin/useradd", ["-m"], false, ["-m", "-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0", "--", "alice"]),
        // SUBORDINATE_IDS=1: login.defs decides, as with a bare useradd.
        ("/usr/sbin/useradd", ["-m"], true, ["-m", "--", "alice"]),
        // Another program may not take -K; USERADD_ARGS that set a count themselves win.
        ("/usr/local/sbin/adduser-wrapper", ["-m"], false, ["-m", "--", "alice"]),
        ("/usr/sbin/useradd", ["-K", "SUB_UID_COUNT=1000"], false, ["-K", "SUB_UID_COUNT=1000", "--", "alice"]),
        ("/usr/sbin/useradd", ["-K", "SUB_GID_COUNT=0"], false, ["-K", "SUB_GID_COUNT=0", "--", "alice"]),
    ])
    func subordinateIDsFollowTheSetting(
        program: String, arguments: [String], subordinateIDs: Bool, expected: [String]
    ) throws {
        let commands = try Self.commands(program, arguments, subordinateIDs: subordinateIDs)
        let command = commands.createUser("alice", uid: nil, groups: [])
        #expect(command.executable == program)
        #expect(command.arguments == expected)
    }

    @Test func subordinateIDsAreWithheldByDefault() {
        #expect(Configuration().subordinateIDs == false)
        #expect(Self.defaults.withholdsSubordinateIDs)
    }

    @Test func userArgumentsAreNeverSplitOrInterpreted() {
        let commands = AccountCommands(
            paths: .standard, useraddProgram: "/opt/add user", useraddArguments: ["--comment", "a b; rm -rf /"],
            userdelProgram: "/usr/sbin/userdel", userdelArguments: [])
        let command = commands.createUser("alice", uid: nil, groups: [])
        #expect(command.executable == "/opt/add user")
        #expect(command.arguments == ["--comment", "a b; rm -rf /", "--", "alice"])
    }

    /// ACCOUNT_BACKEND=batch takes only the standard useradd shape; anything else keeps useradd.
    @Test(
        arguments: [
            ("batch", "/usr/sbin/useradd", ["--user-group", "--create-home", "--shell", "/bin/bash"], "/bin/bash"),
            ("batch", "/usr/sbin/useradd", ["-m", "-U", "-s", "/bin/zsh"], "/bin/zsh"),
            ("useradd", "/usr/sbin/useradd", ["--user-group", "--create-home", "--shell", "/bin/bash"], nil),
            ("batch", "/usr/local/bin/my-useradd", ["--user-group", "--create-home", "--shell", "/bin/bash"], nil),
            ("batch", "/usr/sbin/useradd", ["--user-group", "--create-home"], nil),
            ("batch", "/usr/sbin/useradd", ["--create-home", "--shell", "/bin/bash"], nil),
            ("batch", "/usr/sbin/useradd", ["--user-group", "--shell", "/bin/bash"], nil),
            ("batch", "/usr/sbin/useradd", ["--user-group", "--create-home", "--shell"], nil),
            ("batch", "/usr/sbin/useradd", ["--user-group", "--create-home", "--shell", "bash"], nil),
            ("batch", "/usr/sbin/useradd", ["-U", "-m", "-s", "/bin/sh", "--comment", "x"], nil),
            ("batch", "/usr/sbin/useradd", ["-U", "-m", "-s", "/bin/sh", "-K", "UMASK=077"], nil),
        ] as [(String, String, [String], String?)])
    func batchShell(backend: String, program: String, arguments: [String], expected: String?) throws {
        var configuration = Configuration()
        configuration.accountBackend = try #require(AccountBackend(rawValue: backend))
        configuration.useraddProgram = program
        configuration.useraddArgs = arguments
        #expect(AccountCommands(configuration: configuration, paths: .standard).batchShell == expected)
    }
}
