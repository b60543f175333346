import EC2SSHCore
import EC2SSHSystem

/// `import_users setup uninstall`: removes what the installation set up, except the imported accounts.
///
/// sshd's files get back the lines install commented out; `--keep-config` leaves the configuration file exactly as
/// it is (owner, mode, contents) and keeps the service user and group that own it; the key cache directory goes
/// only when the installation recorded it as its own.
public struct SetupUninstaller {
    /// The host.
    public let host: SetupHost
    /// The options.
    public let options: UninstallOptions

    /// Creates an uninstaller; with `options.packagedDirectory` the host's layout has the programs there.
    public init(host: SetupHost, options: UninstallOptions) {
        var host = host
        if let directory = options.packagedDirectory { host.layout = host.layout.packaged(in: directory) }
        self.host = host
        self.options = options
    }

    /// Runs; returns the exit status (0 done, 1 failed and rolled back).
    public func run() -> Int32 {
        do {
            try perform()
            return 0
        } catch let error as SetupError {
            host.reporter.error(error.message)
            return error.exitStatus
        } catch {
            host.reporter.error("\(error)")
            return 1
        }
    }

    private func perform() throws {
        let lock: (any Sendable)?
        do {
            lock = try host.lock()
        } catch {
            throw SetupError("another installation is running (\(error)); wait for it to finish")
        }
        defer { _ = lock }
        if let directory = options.packagedDirectory { try PackagedDirectory.check(directory) }
        let layout = host.layout
        let reporter = host.reporter
        let sshd = host.locate("sshd") != nil ? try SSHDService(host: host) : nil
        var plan = SetupPlan()
        var unitChanged = false
        let editor = SSHDConfigEditor(layout: layout)
        for file in try sshd?.configFiles() ?? [] where !file.hasSuffix("/" + layout.sshdDropinName) {
            guard let text = try host.readText(file), editor.hasOurEdits(text),
                let status = try host.fileSystem.status(file)
            else { continue }
            guard status.type == .regular else {
                throw SetupError(
                    "\(file) is a symbolic link; the installation never replaces it: restore its lines by hand"
                        + " (remove the '\(layout.disabledMark)' prefixes and our block); nothing was changed")
            }
            var write = SetupPlan.Write(
                path: file, contents: Array(editor.restore(text).utf8), mode: status.mode & 0o7777 & ~0o022)
            write.fixedOwner = status.owner
            write.user = String(status.uid)
            write.group = String(status.gid)
            plan.writes.append(write)
        }
        try removeIfPresent(&plan, layout.sshdDropin)
        for unit in ["ssh", "sshd"] {
            let path = "\(layout.unitDirectory)/\(unit).service.d/\(layout.sshdUnitDropinName)"
            if try host.fileSystem.status(path) != nil {
                plan.remove(path)
                unitChanged = true
            }
        }
        if let cron = try host.readText(layout.cronFile) {
            if cron.contains(layout.importProgram) {
                plan.remove(layout.cronFile)
            } else {
                reporter.warning("\(layout.cronFile) does not run \(layout.importProgram): leaving it")
            }
        }
        // Packaged programs belong to the package manager, which removes them itself.
        let programs = options.packagedDirectory == nil ? [layout.importProgram, layout.keysProgram] : []
        let publishUnits = [layout.publishTimerUnit, layout.publishServiceUnit].map { layout.unitDirectory + "/" + $0 }
        try removeIfPresent(&plan, layout.publishCronFile)
        if !options.keepConfig { try removeIfPresent(&plan, layout.snapshotKeyFile) }
        for path in [layout.timerUnit, layout.serviceUnit].map({ layout.unitDirectory + "/" + $0 }) + publishUnits
            + programs
        {
            try removeIfPresent(&plan, path)
        }
        let configText = try host.readText(layout.configFile)
        if !options.keepConfig { try removeIfPresent(&plan, layout.configFile) }
        let configuration =
            (configText.flatMap { try? Configuration.parse($0, path: layout.configFile).0 }) ?? Configuration()
        let record = SetupRecord(
            text: (try host.readText(configuration.stateDir + "/" + SetupRecord.fileName)) ?? "")
        let cacheIsOurs = record.createdDirectories.contains(configuration.keyCacheDir)
        let journal = SetupJournal(host: host)
        let changes = try plan.writes.filter { try journal.differs($0) }

        if options.dryRun {
            reporter.info("dry run: nothing is changed")
            SetupPlanPrinter(host: host, binDirectory: "").show(changes: changes, removals: plan.removals)
            reporter.info(
                "would remove " + (cacheIsOurs ? "\(configuration.keyCacheDir) and " : "")
                    + (options.keepConfig
                        ? "nothing else (the system user \(layout.serviceUser) owns the kept"
                            + " configuration)" : "the system user \(layout.serviceUser)")
                    + ", and reload sshd if it runs")
            return
        }
        for timer in [layout.timerUnit, layout.publishTimerUnit]
        where host.systemdRunning && host.succeeds("systemctl", ["is-enabled", "--quiet", timer]) {
            if !host.succeeds("systemctl", ["disable", "--now", timer]) {
                reporter.warning("could not disable \(timer)")
            }
        }
        do {
            for write in changes {
                try journal.apply(write)
                reporter.info("wrote \(write.path)")
            }
            for path in plan.removals {
                try journal.remove(path)
                reporter.info("removed \(path)")
            }
            if let sshd, let message = try sshd.test() {
                throw SetupError(
                    "sshd rejects the configuration without aws-ec2-ssh (\(message)); the previous files are being"
                        + " restored")
            }
        } catch {
            reporter.warning("rolling back: putting every changed file back as it was")
            journal.rollback()
            throw error
        }
        journal.commit()
        let keyDirectory = GlobPattern.split(layout.snapshotKeyFile).0
        if !options.keepConfig, try host.fileSystem.status(keyDirectory)?.type == .directory,
            try host.fileSystem.listDirectory(keyDirectory).isEmpty, !host.succeeds("rmdir", ["--", keyDirectory])
        {
            reporter.warning("could not remove the empty directory \(keyDirectory)")
        }
        if host.systemdRunning { try host.run("systemctl", ["daemon-reload"]) }
        try sshd?.reload(restart: unitChanged, unitChanged: unitChanged)
        try removeServiceState(configuration: configuration, cacheIsOurs: cacheIsOurs, record: record)
        if host.locate("getenforce") != nil,
            let state = try? host.run("getenforce", [])?.standardOutputText.trimmingNewlines,
            state == "Enforcing" || state == "Permissive"
        {
            reporter.info(
                "SELinux: the boolean nis_enabled stays on (other services may need it); turn it off with:"
                    + " setsebool -P nis_enabled off")
        }
        let marker = configuration.localMarkerGroup
        reporter.info("uninstalled aws-ec2-ssh. The accounts it imported are kept, with their homes and sudoers files:")
        reporter.info("  list them with: getent group \(marker) (their records are in \(configuration.stateDir))")
        reporter.info(
            "  remove one with: userdel --remove NAME, and its file in /etc/sudoers.d; then: groupdel \(marker);"
                + " rm -rf \(configuration.stateDir)")
    }

    /// The key cache (only when recorded as the installation's own) and the service user (unless the kept
    /// configuration belongs to its group).
    private func removeServiceState(configuration: Configuration, cacheIsOurs: Bool, record: SetupRecord) throws {
        let layout = host.layout
        let reporter = host.reporter
        let cache = configuration.keyCacheDir
        if cacheIsOurs, try host.fileSystem.status(cache) != nil {
            if host.succeeds("/bin/rm", ["-r", "--one-file-system", "--", cache]) {
                var kept = record
                kept.createdDirectories.removeAll { $0 == cache }
                try host.fileSystem.writeFileAtomically(
                    configuration.stateDir + "/" + SetupRecord.fileName, contents: Array(kept.text.utf8), mode: 0o644,
                    owner: .root)
            } else {
                reporter.warning("could not remove \(cache); remove it with: rm -r \(cache)")
            }
        } else if try host.fileSystem.status(cache) != nil {
            reporter.info("\(cache) was not created by the installation: leaving it")
        }
        if options.keepConfig {
            reporter.info(
                "kept \(layout.configFile) as it is, and the system user \(layout.serviceUser) whose group owns it;"
                    + " remove them with: rm \(layout.configFile) && userdel \(layout.serviceUser)")
            return
        }
        if host.user(layout.serviceUser) != nil, !host.succeeds("userdel", ["--", layout.serviceUser]) {
            reporter.warning(
                "could not remove the system user \(layout.serviceUser); remove it with: userdel \(layout.serviceUser)")
        }
        if host.group(layout.serviceUser) != nil { _ = host.succeeds("groupdel", ["--", layout.serviceUser]) }
    }

    private func removeIfPresent(_ plan: inout SetupPlan, _ path: String) throws {
        if try host.fileSystem.status(path) != nil { plan.remove(path) }
    }
}
