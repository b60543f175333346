/// Where an installation puts things and the fixed text it writes: one place for paths and markers.
///
/// Every value can be changed for tests; `standard` is what `import_users setup` uses on a host.
public struct SetupLayout: Sendable, Equatable {
    /// The configuration file, /etc/aws-ec2-ssh.conf.
    public var configFile = "/etc/aws-ec2-ssh.conf"
    /// Where the two programs are installed: install.sh's copies, or the package's directory (`--packaged`).
    public var sbinDirectory = "/usr/local/sbin"
    /// The system user that runs the key command, and its group.
    public var serviceUser = "aws-ec2-ssh"
    /// The main sshd configuration file.
    public var sshdConfig = "/etc/ssh/sshd_config"
    /// The directory sshd's configuration lives in; relative Include patterns are taken from it.
    public var sshdDirectory = "/etc/ssh"
    /// The drop-in directory the distributions' sshd_config includes.
    public var sshdDropinDirectory = "/etc/ssh/sshd_config.d"
    /// The name of our drop-in: it sorts first, and sshd keeps the first value it reads.
    public var sshdDropinName = "00-aws-ec2-ssh.conf"
    /// The cron file (the bash tool's path too).
    public var cronFile = "/etc/cron.d/import_users"
    /// Where systemd units written by the administrator live.
    public var unitDirectory = "/etc/systemd/system"
    /// The timer unit that runs the import without cron.
    public var timerUnit = "aws-ec2-ssh-import.timer"
    /// The service unit the timer starts.
    public var serviceUnit = "aws-ec2-ssh-import.service"
    /// The cron file that runs the fleet publisher (`install.sh --publisher`).
    public var publishCronFile = "/etc/cron.d/aws-ec2-ssh-publish"
    /// The timer unit that runs the fleet publisher without cron.
    public var publishTimerUnit = "aws-ec2-ssh-publish.timer"
    /// The service unit the publisher's timer starts.
    public var publishServiceUnit = "aws-ec2-ssh-publish.service"
    /// Where `--snapshot-public-key` pins the fleet snapshot's public key (the default SNAPSHOT_PUBLIC_KEY).
    public var snapshotKeyFile = "/etc/aws-ec2-ssh/snapshot.pem"
    /// Our drop-in for sshd's unit when an ExecStart override passes AuthorizedKeysCommand with -o.
    public var sshdUnitDropinName = "zz-aws-ec2-ssh.conf"
    /// The first line of the block written into an sshd_config that does not include the drop-in directory.
    public var blockBegin = "# BEGIN aws-ec2-ssh (managed by install.sh; remove with install.sh --uninstall)"
    /// The last line of that block.
    public var blockEnd = "# END aws-ec2-ssh"
    /// The prefix of a line of someone else's that install commented out; uninstall takes it away again.
    public var disabledMark = "#aws-ec2-ssh-disabled# "
    /// The prefix of a bash-tool line that a migration commented out for good.
    public var migratedMark = "#aws-ec2-ssh-migrated# "
    /// Where staged files that a program must read (the first import's preview, the permission check) go.
    public var stagingDirectory = "/run/aws-ec2-ssh-setup"
    /// The installer's lock file.
    public var lockFile = "/run/lock/aws-ec2-ssh-install.lock"
    /// The default STATE_DIR.
    public var defaultStateDirectory = "/var/lib/aws-ec2-ssh"
    /// The default KEY_CACHE_DIR.
    public var defaultCacheDirectory = "/var/cache/aws-ec2-ssh"
    /// The scripts of the archived bash tool (its install.sh, its RPM and its .deb).
    public var oldToolFiles = [
        "/opt/import_users.sh", "/opt/authorized_keys_command.sh", "/usr/bin/import_users.sh",
        "/usr/bin/authorized_keys_command.sh", "/usr/bin/import_users", "/usr/bin/authorized_keys_command",
    ]

    /// The standard layout.
    public init() {}

    /// The standard layout, named.
    public static let standard = SetupLayout()

    /// The layout of a packaged installation: the programs stay where the package put them, in `directory`.
    public func packaged(in directory: String) -> SetupLayout {
        var layout = self
        layout.sbinDirectory = directory
        return layout
    }

    /// /usr/local/sbin/import_users.
    public var importProgram: String { sbinDirectory + "/import_users" }
    /// /usr/local/sbin/authorized_keys_command.
    public var keysProgram: String { sbinDirectory + "/authorized_keys_command" }
    /// The AuthorizedKeysCommand value: our program with sshd's %u and %f tokens.
    public var keysCommandLine: String { keysProgram + " %u %f" }
    /// The full path of our sshd drop-in.
    public var sshdDropin: String { sshdDropinDirectory + "/" + sshdDropinName }
    /// The two lines sshd needs, in the order they are written.
    public var sshdLines: [String] {
        ["AuthorizedKeysCommand " + keysCommandLine, "AuthorizedKeysCommandUser " + serviceUser]
    }

    /// Whether an AuthorizedKeysCommand value is the bash tool's script.
    public func isOldToolCommand(_ value: String) -> Bool {
        let program = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
        return [
            "/opt/authorized_keys_command.sh", "/usr/bin/authorized_keys_command",
            "/usr/bin/authorized_keys_command.sh",
        ].contains(program)
    }

    /// Whether an AuthorizedKeysCommand value is ours, `none`, or the bash tool's: none of them is chained.
    public func isOwnOrOldCommand(_ value: String) -> Bool {
        value.hasPrefix(keysProgram) || value == "none" || isOldToolCommand(value)
    }
}
