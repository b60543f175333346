import EC2SSHCore
import EC2SSHSystem

extension SetupInstaller {
    /// sshd refuses an AuthorizedKeysCommand whose path has a part not owned by root or writable by others.
    func checkSbinPath() throws {
        var paths = [layout.sbinDirectory]
        while let last = paths.last, last != "/" { paths.append(GlobPattern.split(last).directory) }
        for path in paths {
            if let status = try host.fileSystem.status(path), status.uid != 0 || status.mode & 0o022 != 0 {
                throw SetupError(
                    "\(path) is not owned by root or is writable by group or others (owner uid \(status.uid), mode"
                        + " \(String(status.mode, radix: 8))); sshd would refuse \(layout.keysProgram). Fix it with:"
                        + " chown root:root \(path) && chmod go-w \(path)")
            }
        }
    }

    /// Refuses a host where the bash tool is installed as a package: its files belong to the package manager.
    ///
    /// A package named aws-ec2-ssh is the bash tool's only when it owns one of the bash tool's scripts
    /// (`layout.oldToolFiles`); this project's own .deb and .rpm have the same name and are allowed.
    func checkOldToolPackage() throws {
        var manager: String?
        if try ownsOldToolFile(host.run("dpkg-query", ["-L", "aws-ec2-ssh"])) {
            manager = "apt-get remove aws-ec2-ssh"
        } else if host.locate("rpm") != nil, try ownsOldToolFile(host.run("rpm", ["-ql", "aws-ec2-ssh"])) {
            manager = "dnf remove aws-ec2-ssh (or yum remove aws-ec2-ssh)"
        }
        if let manager {
            throw SetupError(
                "the bash version of aws-ec2-ssh is installed as a package; its files belong to the package manager."
                    + " Back up \(layout.configFile), remove the package with: \(manager), restore"
                    + " \(layout.configFile) if the package removed it, then run the installation again (the imported"
                    + " accounts are kept); nothing was changed")
        }
    }

    /// Whether a package's file list (`dpkg-query -L`, `rpm -ql`: one path a line) holds one of the bash tool's
    /// scripts; false when the package is not installed (the query failed) or the program is missing.
    private func ownsOldToolFile(_ listing: ProcessResult?) -> Bool {
        guard let result = listing, result.succeeded else { return false }
        let files = Set(result.standardOutputText.split(separator: "\n").map { String($0) })
        return layout.oldToolFiles.contains { files.contains($0) }
    }

    /// The bash tool's scripts on this host: regular files starting with #! that call the AWS CLI.
    func findOldTool() throws -> [String] {
        try layout.oldToolFiles.filter { path in
            guard let status = try host.fileSystem.status(path), status.type == .regular,
                let text = try host.readText(path), text.hasPrefix("#!")
            else { return false }
            return text.contains("aws iam") || text.contains("aws sts") || text.contains("aws-ec2-ssh")
        }
    }

    /// The schedule to install; `systemd` only where systemd runs (else nothing would ever run the import).
    func chooseTimer() throws -> SetupTimer {
        switch options.timer {
        case .cron:
            return .cron
        case .systemd:
            guard host.systemdRunning else {
                throw SetupError(
                    "--timer=systemd: systemd is not running on this host (no /run/systemd/system, or no systemctl),"
                        + " so its timer would never start and import_users would not be scheduled at all. Use"
                        + " --timer=cron (with a cron daemon installed), or install where systemd runs; nothing was"
                        + " changed.")
            }
            return .systemd
        case .auto:
            if host.processRunning(["cron", "crond"]) { return .cron }
            if host.systemdRunning { return .systemd }
            if host.locate("cron") != nil || host.locate("crond") != nil {
                reporter.warning("a cron daemon is installed but not running: \(layout.cronFile) runs once it starts")
                return .cron
            }
            throw SetupError(
                "no cron daemon and no running systemd: install cron (cronie) or pass --timer=cron or --timer=systemd,"
                    + " then run the installation again; nothing was changed")
        }
    }

    /// Refuses a STATE_DIR or KEY_CACHE_DIR install must not take; returns whether the cache directory already
    /// belongs to the installation (recorded, or owned by the service user).
    func checkDirectories(_ configuration: Configuration) throws -> Bool {
        let cache = configuration.keyCacheDir
        let existing: SetupDirectoryPolicy.Existing
        let record = SetupRecord(
            text: (try host.readText(configuration.stateDir + "/" + SetupRecord.fileName)) ?? "")
        if let status = try host.fileSystem.status(cache) {
            if status.type != .directory {
                existing = .notDirectory
            } else if record.createdDirectories.contains(cache) {
                existing = .recorded
            } else {
                let owned = host.user(layout.serviceUser).map { $0.uid == status.uid } ?? false
                existing = .directory(
                    ownedByServiceUser: owned, entries: try host.fileSystem.listDirectory(cache).count)
            }
        } else {
            existing = .missing
        }
        do {
            try SetupDirectoryPolicy.checkPath(configuration.stateDir, key: "STATE_DIR")
            try SetupDirectoryPolicy.checkCacheDirectory(
                cache, stateDirectory: configuration.stateDir, existing: existing)
        } catch {
            throw SetupError(.usage, "\(error); nothing was changed")
        }
        for directory in [configuration.stateDir, cache] {
            let parent = GlobPattern.split(directory).directory
            guard try host.fileSystem.status(parent)?.type == .directory else {
                throw SetupError(
                    .usage,
                    "\(parent), the parent of \(directory), is not a directory; create it first; nothing was changed")
            }
        }
        switch existing {
        case .recorded, .directory(ownedByServiceUser: true, _): return true
        default: return false
        }
    }

    /// Creates the system user that runs the key command, unless it exists.
    func ensureServiceUser(_ journal: SetupJournal) throws {
        guard host.user(layout.serviceUser) == nil else { return }
        let shell = host.locate("nologin") ?? "/usr/sbin/nologin"
        let result = try host.run(
            "useradd",
            [
                "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", shell,
                "--comment", "aws-ec2-ssh AuthorizedKeysCommand", "--", layout.serviceUser,
            ])
        guard let result, result.succeeded else {
            throw SetupError(
                "could not create the system user \(layout.serviceUser) (useradd: \(result?.standardErrorText ?? "not found"));"
                    + " create it by hand (no login shell, no home) and run the installation again")
        }
        journal.createdServiceUser = true
        reporter.info(
            "created the system user \(layout.serviceUser) (no login shell, no home) that runs the key command")
    }
}
