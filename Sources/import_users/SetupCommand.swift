import ArgumentParser
import EC2SSHCore
import EC2SSHShared
import EC2SSHSystem
import HostSetup

#if canImport(Glibc)
    import Glibc
#endif

/// `import_users setup`: install or remove aws-ec2-ssh on this host; all behaviour lives in HostSetup.
struct SetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Install or remove aws-ec2-ssh on this host (install.sh runs this).",
        discussion: """
            Every file is staged and validated first (the configuration with the same parser the tools use, sshd's \
            with sshd -t), then written atomically; if a step fails, every file is put back as it was. Must run as \
            root. EXIT STATUS: 0 done; 1 error (what was changed has been put back); 2 refused (bad option or \
            value; nothing was changed); 3 installed, but the first import failed.
            """,
        subcommands: [SetupInstallCommand.self, SetupUninstallCommand.self])

    /// The host as the real system: files, programs, the process environment, the console, the install lock.
    static func host(program: String) throws -> SetupHost {
        guard getuid() == 0 else {
            SetupStandardError.error(
                "\(program): error: the setup must run as root (it installs into /usr/local/sbin and /etc and"
                    + " configures sshd): run it with sudo.")
            throw ExitCode(1)
        }
        let layout = SetupLayout.standard
        return SetupHost(
            fileSystem: PosixFileSystem(), runner: PosixProcessRunner(), environment: ProcessEnvironment.current(),
            reporter: SetupReporter(console: StandardConsole(), program: program), layout: layout,
            lock: {
                let directory = (try? PosixFileSystem().status("/run/lock"))?.type == .directory
                return try FileLock.acquire(path: directory ? layout.lockFile : "/run/aws-ec2-ssh-install.lock")
            })
    }
}

/// Writes a line to standard error (before a SetupHost exists).
enum SetupStandardError {
    /// Writes `text` and a newline to standard error.
    static func error(_ text: String) {
        StandardConsole().write(Array((text + "\n").utf8), toStandardError: true)
    }
}

/// `import_users setup install`: the options of install.sh, same meaning.
struct SetupInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install or update aws-ec2-ssh: programs, configuration, sshd, schedule, first import.",
        discussion: """
            Installs import_users and authorized_keys_command into /usr/local/sbin, writes /etc/aws-ec2-ssh.conf \
            (root:aws-ec2-ssh, 0640), points sshd's AuthorizedKeysCommand at the key command (run as the system \
            user aws-ec2-ssh), schedules import_users every 10 minutes, runs the first import and reloads sshd. A \
            host set up by the bash tool is migrated: its permission check (import_users check) and its first \
            import (--adopt-legacy-accounts) must succeed, else everything is put back and the bash tool keeps \
            working. With --packaged, the binaries stay where the package installed them (--bin-dir, for example \
            /usr/sbin) and sshd and the schedule run them there; nothing is copied into /usr/local/sbin.
            """)

    @Option(name: .customShort("a"), parsing: .unconditional, help: "ASSUMEROLE: role to assume before reading IAM.")
    var assumeRole: String?
    @Option(name: .customShort("i"), parsing: .unconditional, help: "IAM_AUTHORIZED_GROUPS: IAM groups to import.")
    var iamGroups: String?
    @Option(name: .customShort("l"), parsing: .unconditional, help: "LOCAL_GROUPS: local groups for every user.")
    var localGroups: String?
    @Option(name: .customShort("s"), parsing: .unconditional, help: "SUDOERS_GROUPS: IAM groups that get sudo.")
    var sudoersGroups: String?
    @Option(name: .customShort("p"), parsing: .unconditional, help: "USERADD_PROGRAM.")
    var useraddProgram: String?
    @Option(name: .customShort("u"), parsing: .unconditional, help: "USERADD_ARGS.")
    var useraddArgs: String?
    @Option(name: .customShort("d"), parsing: .unconditional, help: "USERDEL_PROGRAM.")
    var userdelProgram: String?
    @Option(name: .customShort("f"), parsing: .unconditional, help: "USERDEL_ARGS.")
    var userdelArgs: String?
    @Option(
        name: .customLong("set"), parsing: .unconditionalSingleValue,
        help: "KEY=VALUE: set any configuration key (etc/aws-ec2-ssh.conf lists them); repeatable, applied in order.")
    var settings: [String] = []
    @Option(help: "How import_users is scheduled: auto, cron or systemd (systemd only where it runs).")
    var timer: String = "auto"
    @Option(help: "The directory with the import_users and authorized_keys_command to install.")
    var binDir: String
    @Flag(
        help: """
            The binaries are installed in --bin-dir (absolute) by a package and belong to the package manager: \
            sshd and the schedule run them there, they are not copied into /usr/local/sbin.
            """)
    var packaged = false
    @Option(help: "The directory with etc/ and cron/ of the release (the templates).")
    var sourceDir: String
    @Flag(help: "Do not run the first import.")
    var noFirstImport = false
    @Option(
        help: """
            SNAPSHOT_URL: fleet mode; read users and keys from this signed snapshot (s3://BUCKET/KEY) instead of IAM.
            """)
    var snapshotURL: String?
    @Option(
        help: """
            A PEM file with the public key of the KMS key that signs the fleet snapshot; it is checked, pinned as \
            /etc/aws-ec2-ssh/snapshot.pem and set as SNAPSHOT_PUBLIC_KEY.
            """)
    var snapshotPublicKey: String?
    @Flag(
        inversion: .prefixedNo,
        help: """
            This host publishes the fleet snapshot (import_users publish every 2 minutes; needs SNAPSHOT_URL and \
            SNAPSHOT_KMS_KEY_ID). Without either flag a host keeps its role.
            """)
    var publisher: Bool?
    @Flag(help: "Show what would change and change nothing.")
    var dryRun = false
    @Option(help: .hidden)
    var programName = "import_users setup"

    func run() throws {
        var options = InstallOptions(binDirectory: binDir, sourceDirectory: sourceDir)
        let flags: [(String, String?)] = [
            ("ASSUMEROLE", assumeRole), ("IAM_AUTHORIZED_GROUPS", iamGroups), ("LOCAL_GROUPS", localGroups),
            ("SUDOERS_GROUPS", sudoersGroups), ("USERADD_PROGRAM", useraddProgram), ("USERADD_ARGS", useraddArgs),
            ("USERDEL_PROGRAM", userdelProgram), ("USERDEL_ARGS", userdelArgs), ("SNAPSHOT_URL", snapshotURL),
        ]
        options.settings = flags.compactMap { key, value in value.map { (key, $0) } }
        for setting in settings {
            guard let equals = setting.firstIndex(of: "=") else {
                throw ValidationError("--set needs KEY=VALUE, not [\(setting)]")
            }
            options.settings.append((String(setting[..<equals]), String(setting[setting.index(after: equals)...])))
        }
        guard let timer = SetupTimer(rawValue: timer) else {
            throw ValidationError("--timer must be auto, cron or systemd, not [\(timer)]")
        }
        options.timer = timer
        options.firstImport = !noFirstImport
        options.dryRun = dryRun
        options.packaged = packaged
        options.publisher = publisher
        if let path = snapshotPublicKey {
            guard path.hasPrefix("/") || !Self.workingDirectory().isEmpty else {
                throw ValidationError("--snapshot-public-key: give the file as an absolute path")
            }
            options.snapshotPublicKey = path.hasPrefix("/") ? path : Self.workingDirectory() + "/" + path
        }
        let status = SetupInstaller(host: try SetupCommand.host(program: programName), options: options).run()
        if status != 0 { throw ExitCode(status) }
    }
}

extension SetupInstallCommand {
    /// The working directory (`getcwd(3)`), or "" when it cannot be read.
    static func workingDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// `import_users setup uninstall`.
struct SetupUninstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Remove aws-ec2-ssh from this host, except the imported accounts (it says how to remove those).")

    @Flag(help: "Keep /etc/aws-ec2-ssh.conf as it is (owner, mode, contents) and the aws-ec2-ssh user owning it.")
    var keepConfig = false
    @Flag(help: "Show what would change and change nothing.")
    var dryRun = false
    @Flag(
        help: """
            The installation was made with --packaged: the binaries in --bin-dir belong to the package manager and \
            are not removed.
            """)
    var packaged = false
    @Option(help: "With --packaged: the directory the package installed the binaries in (for example /usr/sbin).")
    var binDir: String?
    @Option(help: .hidden)
    var programName = "import_users setup"

    func validate() throws {
        if packaged && binDir == nil { throw ValidationError("--packaged needs --bin-dir DIR") }
        if !packaged && binDir != nil { throw ValidationError("--bin-dir goes with --packaged") }
    }

    func run() throws {
        let options = UninstallOptions(
            keepConfig: keepConfig, dryRun: dryRun, packagedDirectory: packaged ? binDir : nil)
        let status = SetupUninstaller(host: try SetupCommand.host(program: programName), options: options).run()
        if status != 0 { throw ExitCode(status) }
    }
}
