/// How import_users is scheduled.
public enum SetupTimer: String, Sendable, CaseIterable {
    /// cron when a cron daemon runs, else the systemd timer when systemd runs, else cron when cron is installed.
    case auto
    /// /etc/cron.d/import_users.
    case cron
    /// The systemd timer aws-ec2-ssh-import.timer.
    case systemd
}

/// What `import_users setup install` was asked to do.
public struct InstallOptions: Sendable, Equatable {
    /// Configuration keys to set, in order (later values of a key win).
    public var settings: [(key: String, value: String)] = []
    /// How to schedule the import.
    public var timer: SetupTimer = .auto
    /// The directory holding the import_users and authorized_keys_command to install.
    public var binDirectory: String
    /// The binaries are already installed in `binDirectory` (absolute) and belong to the package manager: sshd and
    /// the schedule run them there, and nothing is copied into the layout's sbin directory.
    public var packaged = false
    /// The directory holding the templates: etc/aws-ec2-ssh.conf, etc/sshd_config.d/, etc/systemd/, cron/.
    public var sourceDirectory: String
    /// Whether to run the first import at the end.
    public var firstImport = true
    /// Show the changes and change nothing.
    public var dryRun = false
    /// Whether this host runs the fleet publisher (`--publisher` true, `--no-publisher` false); `nil` keeps what is
    /// installed.
    public var publisher: Bool?
    /// The PEM file with the fleet snapshot's public key to pin (`--snapshot-public-key`), or `nil`.
    public var snapshotPublicKey: String?

    /// Creates options.
    public init(binDirectory: String, sourceDirectory: String) {
        self.binDirectory = binDirectory
        self.sourceDirectory = sourceDirectory
    }

    /// Whether `key` is among the settings.
    public func sets(_ key: String) -> Bool {
        settings.contains { $0.key == key }
    }

    /// Equal when every field is.
    public static func == (lhs: InstallOptions, rhs: InstallOptions) -> Bool {
        lhs.settings.map(\.key) == rhs.settings.map(\.key) && lhs.settings.map(\.value) == rhs.settings.map(\.value)
            && lhs.timer == rhs.timer && lhs.binDirectory == rhs.binDirectory
            && lhs.sourceDirectory == rhs.sourceDirectory && lhs.firstImport == rhs.firstImport
            && lhs.dryRun == rhs.dryRun && lhs.packaged == rhs.packaged && lhs.publisher == rhs.publisher
            && lhs.snapshotPublicKey == rhs.snapshotPublicKey
    }
}

/// What `import_users setup uninstall` was asked to do.
public struct UninstallOptions: Sendable, Equatable {
    /// Keep /etc/aws-ec2-ssh.conf, with its owner and mode (and the service group that owns it).
    public var keepConfig = false
    /// Show the changes and change nothing.
    public var dryRun = false
    /// The directory of packaged binaries (`--packaged --bin-dir DIR`): the installation ran them there, and they
    /// belong to the package manager, so they are never removed; `nil` for install.sh's copies, which are.
    public var packagedDirectory: String?

    /// Creates options.
    public init(keepConfig: Bool = false, dryRun: Bool = false, packagedDirectory: String? = nil) {
        self.keepConfig = keepConfig
        self.dryRun = dryRun
        self.packagedDirectory = packagedDirectory
    }
}

/// The rule for `--packaged --bin-dir DIR`.
enum PackagedDirectory {
    /// Refuses a directory that is not a plain absolute path (sshd needs an absolute AuthorizedKeysCommand, and the
    /// path is written into sshd's configuration and the schedule as it is).
    static func check(_ directory: String) throws {
        let parts = directory.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard directory.hasPrefix("/"), directory != "/",
            !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }),
            !directory.contains(where: { $0.isWhitespace || $0 == "%" || $0 == "\"" })
        else {
            throw SetupError(
                .usage,
                "--packaged: --bin-dir must be the absolute directory the package installed the binaries in (for"
                    + " example /usr/sbin), without '.', '..', empty parts, blanks or '%', not [\(directory)]; nothing"
                    + " was changed")
        }
    }
}
