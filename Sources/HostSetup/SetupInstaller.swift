import EC2SSHCore
import EC2SSHSystem

/// `import_users setup install`: stages every file, validates, then commits atomically with rollback.
///
/// Order: checks that change nothing; staging of every file in memory (config validated by the parser, sshd
/// edits, schedule); `--dry-run` stops there. Then the service user, directories and files, `sshd -t`; a migration
/// from the bash tool runs its permission check before and its first import inside this step, so that a failure
/// puts everything back and leaves the bash tool working. Only then the old tool's scripts go and sshd reloads.
public final class SetupInstaller {
    /// The host.
    public let host: SetupHost
    /// The options.
    public let options: InstallOptions
    var layout: SetupLayout { host.layout }
    var reporter: SetupReporter { host.reporter }

    /// Creates an installer; with `options.packaged` the host's layout runs the programs in the bin directory.
    public init(host: SetupHost, options: InstallOptions) {
        var host = host
        if options.packaged { host.layout = host.layout.packaged(in: options.binDirectory) }
        self.host = host
        self.options = options
    }

    /// Runs the installation; returns the exit status (0 done, 1 failed and rolled back, 2 refused, 3 installed but
    /// the first import failed).
    public func run() -> Int32 {
        do {
            return try perform()
        } catch let error as SetupError {
            reporter.error(error.message)
            return error.exitStatus
        } catch {
            reporter.error("\(error)")
            return 1
        }
    }

    private func perform() throws -> Int32 {
        let lock: (any Sendable)?
        do {
            lock = try host.lock()
        } catch {
            throw SetupError("another installation is running (\(error)); wait for it to finish")
        }
        defer { _ = lock }
        if options.packaged { try PackagedDirectory.check(options.binDirectory) }
        try checkSbinPath()
        try checkOldToolPackage()
        let oldTool = try findOldTool()
        let migrating = !oldTool.isEmpty
        let sshd = try SSHDService(host: host)
        guard try host.fileSystem.status(layout.sshdConfig) != nil else {
            throw SetupError(
                "\(layout.sshdConfig) not found: the installation configures the OpenSSH server there; nothing was"
                    + " changed")
        }
        if let message = try sshd.test() {
            throw SetupError(
                "sshd's configuration is invalid before any change (\(sshd.program) -t: \(message)). Fix it first,"
                    + " then run the installation again; nothing was changed.")
        }
        let timer = try chooseTimer()
        let (unit, override) = try sshd.unitOverride()
        let files = try sshd.configFiles()
        let foreign = try foreignCommand(override: override, files: files)
        if migrating {
            reporter.info("found the bash version of aws-ec2-ssh (\(oldTool.joined(separator: " "))): migrating it")
        }

        var plan = SetupPlan()
        if options.packaged {
            try checkPackagedBinaries()
        } else {
            try stageBinaries(&plan)
        }
        let configuration = try stageConfig(&plan, foreign: foreign, migrating: migrating)
        try stageSSHD(&plan, files: files)
        let unitChanged = try stageUnitOverride(&plan, unit: unit, override: override)
        try stageSchedule(&plan, timer: timer)
        try stageSnapshotKey(&plan)
        let publishing = try stagePublisher(&plan, timer: timer)
        let cacheExisted = try checkDirectories(configuration)
        let journal = SetupJournal(host: host)
        let changes = try plan.writes.filter { try journal.differs($0) }
        try refuseUnrestorable(changes.map(\.path) + plan.removals)

        if options.dryRun {
            try showDryRun(plan: plan, changes: changes, configuration: configuration, oldTool: oldTool)
            return 0
        }
        if migrating && options.firstImport {
            try permissionPreflight(plan: plan)
        }
        do {
            try ensureServiceUser(journal)
            try journal.createDirectory(configuration.stateDir, mode: 0o755, owner: .root)
            try journal.createDirectory(configuration.keyCacheDir, mode: 0o700, owner: try serviceOwner())
            for write in changes {
                try journal.apply(write)
                reporter.info("wrote \(write.path)")
            }
            for path in plan.removals {
                try journal.remove(path)
                reporter.info("removed \(path)")
            }
            try sshd.validateInstalled()
            if migrating && options.firstImport {
                try migrationImport()
            } else if migrating {
                try recordAdoptionPending(configuration, journal: journal)
            }
            try activateSchedule(timer)
            try activatePublisher(timer, active: publishing)
        } catch {
            reporter.warning("rolling back: putting every changed file back as it was")
            journal.rollback()
            if migrating {
                reporter.warning(
                    "the bash tool is left as it was: its scripts, sshd settings and cron file are unchanged")
            }
            throw error
        }
        let cacheCreated = journal.createdDirectories.contains(configuration.keyCacheDir) || cacheExisted
        journal.commit()
        configureSELinux(configuration)
        try writeRecord(configuration, cacheIsOurs: cacheCreated)
        if migrating {
            try retireOldTool(oldTool, configuration: configuration)
        }
        try sshd.reload(restart: unitChanged, unitChanged: unitChanged)
        reporter.info("installed: \(layout.importProgram), \(layout.keysProgram), \(layout.configFile)")
        return firstImport(migrating: migrating)
    }

    /// The owner of the key cache: the service user and its group.
    func serviceOwner() throws -> FileOwner {
        guard let user = host.user(layout.serviceUser) else {
            throw SetupError("the system user \(layout.serviceUser) does not exist")
        }
        return FileOwner(uid: user.uid, gid: user.gid)
    }

    /// The AuthorizedKeysCommand already in use that is neither ours nor the bash tool's: a systemd ExecStart
    /// override first (it beats every file), else the first one sshd's files set outside Match blocks.
    private func foreignCommand(override: SSHDUnitOverride?, files: [String]) throws -> (ChainedCommand, String)? {
        var found: (ChainedCommand, String)?
        if let override {
            found = (override.command, "the ExecStart of \(override.sourceFile)")
        } else {
            let editor = SSHDConfigEditor(layout: layout)
            for file in files where !file.hasSuffix("/" + layout.sshdDropinName) {
                if let text = try host.readText(file), let command = editor.foreignCommand(text) {
                    found = (command, file)
                    break
                }
            }
        }
        guard let (command, source) = found else { return nil }
        if host.locate(command.program) == nil {
            reporter.warning(
                "the AuthorizedKeysCommand in use (\(command.program), from \(source)) is not an executable file;"
                    + " chaining it anyway")
        }
        if !command.unsupportedTokens.isEmpty {
            reporter.warning(
                "the chained command's arguments (\(command.arguments)) use sshd tokens other than %u and %f, which"
                    + " authorized_keys_command cannot pass on")
        }
        return found
    }

    /// Refuses, before any change, to replace anything that is not a regular file (a symbolic link above all).
    private func refuseUnrestorable(_ paths: [String]) throws {
        for path in paths {
            guard let status = try host.fileSystem.status(path), status.type != .regular else { continue }
            throw SetupError(
                "\(path) is \(status.type == .symbolicLink ? "a symbolic link" : "not a regular file"); the"
                    + " installation never follows or replaces it (a link under /etc could point anywhere): replace"
                    + " it with a regular file (for example: cp --remove-destination \"$(readlink -f \(path))\""
                    + " \(path)), then run again; nothing was changed")
        }
    }
}
