import EC2SSHCore
package import EC2SSHSystem
package import HostSetup
import Synchronization
import Testing

/// A Debian-like host in memory for the installer.
///
/// It holds files, answers the programs the installer runs (never running them) and keeps what it printed. Any
/// program nobody scripted fails the test.
package final class SetupWorld: ProcessRunning, ConsoleWriting {
    package let fs = MemoryFileSystem(addingParents: true)
    private let state = Mutex(State())

    package struct State {
        package var commands: [Command] = []
        package var output = ""
        package var serviceUserExists = false
        package var sshdTestFailsAfterChange = false
        package var sshdTestFailsNow = false
        package var importStatus: Int32 = 0
        package var checkStatus: Int32 = 0
        package var answers: [String: ProcessResult] = [:]
    }

    package static let serviceOwner = FileOwner(uid: 998, gid: 997)
    package static let sshdConfig = """
        Include /etc/ssh/sshd_config.d/*.conf
        KbdInteractiveAuthentication no
        UsePAM yes

        """

    package init() {
        for program in [
            "/usr/sbin/sshd", "/usr/bin/getent", "/usr/sbin/useradd", "/usr/sbin/userdel",
            "/usr/sbin/groupdel", "/usr/bin/dpkg-query", "/usr/bin/pidof", "/bin/rm", "/usr/sbin/nologin",
            "/usr/bin/rmdir",
        ] {
            fs.addFile(program, "#!/bin/true\n", mode: 0o755)
        }
        fs.addFile("/etc/ssh/sshd_config", Self.sshdConfig)
        fs.addDirectory("/etc/ssh/sshd_config.d")
        fs.addDirectory("/etc/cron.d")
        fs.addDirectory("/etc/systemd/system")
        fs.addDirectory("/var/lib")
        fs.addDirectory("/var/cache")
        fs.addDirectory("/run")
        fs.addDirectory("/usr/local/sbin")
        fs.addFile("/src/bin/import_users", "IMPORT-BINARY", mode: 0o755)
        fs.addFile("/src/bin/authorized_keys_command", "KEYS-BINARY", mode: 0o755)
        fs.addFile("/src/etc/aws-ec2-ssh.conf", "# sample\n#IAM_AUTHORIZED_GROUPS=\"\"\n#KEY_CACHE_DIR=\"\"\n")
        fs.addFile(
            "/src/etc/sshd_config.d/00-aws-ec2-ssh.conf",
            "# ours\nAuthorizedKeysCommand /x %u %f\nAuthorizedKeysCommandUser nobody\n")
        fs.addFile(
            "/src/cron/import_users",
            "# cron\n@MINUTE@-59/10 * * * * root sleep @SECOND@ && /usr/local/sbin/import_users\n")
        fs.addFile("/src/etc/systemd/aws-ec2-ssh-import.service", "[Service]\n")
        fs.addFile("/src/etc/systemd/aws-ec2-ssh-import.timer", "[Timer]\n")
        fs.addFile(
            "/src/cron/aws-ec2-ssh-publish", "# publish\n*/2 * * * * root /usr/local/sbin/import_users publish\n")
        fs.addFile(
            "/src/etc/systemd/aws-ec2-ssh-publish.service",
            "[Service]\nExecStart=/usr/local/sbin/import_users publish\n")
        fs.addFile("/src/etc/systemd/aws-ec2-ssh-publish.timer", "[Timer]\n")
        fs.clearChanges()
    }

    /// Makes the host run systemd: /run/systemd/system and systemctl (`is-enabled` says no, the rest succeeds).
    package func enableSystemd() {
        fs.addDirectory("/run/systemd/system")
        fs.addFile("/usr/bin/systemctl", "#!/bin/true\n", mode: 0o755)
        fs.clearChanges()
    }

    /// Changes the scripted state.
    package func set(_ change: @Sendable (inout State) -> Void) { state.withLock { change(&$0) } }

    /// Every command run, as "program args...".
    package var commandLines: [String] {
        state.withLock { $0.commands.map { ([$0.executable] + $0.arguments).joined(separator: " ") } }
    }
    /// Everything printed.
    package var output: String { state.withLock { $0.output } }

    /// The host the installer sees.
    package var host: SetupHost {
        SetupHost(
            fileSystem: fs, runner: self, environment: ["PATH": "/usr/sbin:/usr/bin:/bin"],
            reporter: SetupReporter(console: self, program: "setup"))
    }

    /// Options for an installation from /src without the first import.
    package static func installOptions(_ settings: [(String, String)] = [], firstImport: Bool = false) -> InstallOptions
    {
        var options = InstallOptions(binDirectory: "/src/bin", sourceDirectory: "/src")
        options.settings = settings.map { (key: $0.0, value: $0.1) }
        options.timer = .cron
        options.firstImport = firstImport
        return options
    }

    /// The AuthorizedKeysCommand sshd would use: the first one set in our drop-in (read first, through the Include
    /// at the top), else in sshd_config; install.sh's key command when neither sets one.
    private func effectiveKeysCommand() -> String {
        for path in ["/etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf", "/etc/ssh/sshd_config"] {
            for line in (fs.text(path) ?? "").split(separator: "\n") where line.hasPrefix("AuthorizedKeysCommand ") {
                return String(line.dropFirst("AuthorizedKeysCommand ".count))
            }
        }
        return "/usr/local/sbin/authorized_keys_command %u %f"
    }

    package func write(_ bytes: [UInt8], toStandardError: Bool) {
        state.withLock { $0.output += String(decoding: bytes, as: UTF8.self) }
    }

    package func run(_ command: Command) throws -> ProcessResult {
        let arguments = command.arguments
        return try state.withLock { state in
            state.commands.append(command)
            let line = ([command.executable] + arguments).joined(separator: " ")
            if let answer = state.answers[line] { return answer }
            switch (command.executable, arguments.first) {
            case ("/usr/sbin/sshd", "-t"):
                let changed =
                    fs.node("/etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf") != nil
                    || (fs.text("/etc/ssh/sshd_config") ?? "").contains("BEGIN aws-ec2-ssh")
                if state.sshdTestFailsNow || (state.sshdTestFailsAfterChange && changed) {
                    return .exited(255, standardError: "line 1: Bad configuration option: simulated")
                }
                return .exited(0)
            case ("/usr/sbin/sshd", "-T"):
                return .exited(
                    0,
                    standardOutput: "authorizedkeyscommand \(effectiveKeysCommand())\n"
                        + "authorizedkeyscommanduser aws-ec2-ssh\n")
            case ("/usr/bin/getent", "passwd"):
                guard arguments.last == "aws-ec2-ssh", state.serviceUserExists else { return .exited(2) }
                return .exited(0, standardOutput: "aws-ec2-ssh:x:998:997::/nonexistent:/usr/sbin/nologin\n")
            case ("/usr/bin/getent", "group"):
                guard arguments.last == "aws-ec2-ssh", state.serviceUserExists else { return .exited(2) }
                return .exited(0, standardOutput: "aws-ec2-ssh:x:997:\n")
            case ("/usr/sbin/useradd", _):
                state.serviceUserExists = true
                return .exited(0)
            case ("/usr/sbin/userdel", _):
                state.serviceUserExists = false
                return .exited(0)
            case ("/usr/bin/systemctl", "is-enabled"):
                return .exited(1)
            case ("/usr/sbin/groupdel", _), ("/bin/rm", _), ("/usr/bin/rmdir", _), ("/usr/bin/systemctl", _):
                return .exited(0)
            case ("/usr/bin/dpkg-query", _), ("/usr/bin/pidof", _):
                return .exited(1)
            case ("/src/bin/import_users", "check"):
                return .exited(
                    state.checkStatus, standardError: state.checkStatus == 0 ? "" : "missing iam:ListGroupsForUser\n")
            case ("/usr/local/sbin/import_users", _), ("/usr/sbin/import_users", _):
                return .exited(state.importStatus)
            default:
                Issue.record("unexpected command: \(line)")
                throw SystemError(.unexpectedCommand, operation: "run", subject: line)
            }
        }
    }
}
