import EC2SSHCore
import EC2SSHSystem

extension SetupInstaller {
    /// Writes the staged configuration where import_users can read it (root, 0600) and returns its path.
    func stageConfigFile(_ plan: SetupPlan) throws -> String {
        try host.fileSystem.createDirectory(layout.stagingDirectory, mode: 0o700, owner: .root)
        let path = layout.stagingDirectory + "/aws-ec2-ssh.conf"
        try host.fileSystem.writeFileAtomically(
            path, contents: Array((plan.text(of: layout.configFile) ?? "").utf8), mode: 0o600, owner: .root)
        return path
    }

    /// Before a migration switches sshd over: `import_users check` with the new configuration must find every IAM
    /// permission the new tools need (the key command needs iam:ListGroupsForUser, the bash tool's policy lacks it).
    func permissionPreflight(plan: SetupPlan) throws {
        let staged = try stageConfigFile(plan)
        defer { try? host.fileSystem.removeFile(staged) }
        let program = options.binDirectory + "/import_users"
        reporter.info("checking the IAM permissions the new tools need: \(program) check --config \(staged)")
        let result = try host.runner.run(
            Command(program, ["check", "--config", staged], environment: host.environment))
        reporter.passThrough(result)
        guard result.succeeded else {
            throw SetupError(
                "the permission check failed (import_users check: \(result.termination); the missing IAM permissions"
                    + " are named above). Add them to the instance's policy (see etc/iam/ and README.md), then run the"
                    + " installation again. Nothing was changed: the bash tool keeps working.")
        }
    }

    /// The first import of a migration, with the accounts of the bash tool adopted; runs before the commit, so that
    /// a failure rolls everything back.
    func migrationImport() throws {
        reporter.info("running the first import of the migration: \(layout.importProgram) --adopt-legacy-accounts")
        let result = try host.runner.run(
            Command(layout.importProgram, ["--adopt-legacy-accounts"], environment: host.environment))
        reporter.passThrough(result)
        guard result.succeeded else {
            throw SetupError(
                "the first import of the migration failed (\(layout.importProgram): \(result.termination); its"
                    + " messages are above). Everything is being put back; fix the cause (IAM permissions,"
                    + " credentials, \(layout.configFile)), then run the installation again.")
        }
    }

    /// Turns the chosen schedule on (and the other one off).
    func activateSchedule(_ timer: SetupTimer) throws {
        if timer == .cron {
            if host.systemdRunning && host.succeeds("systemctl", ["is-enabled", "--quiet", layout.timerUnit]) {
                if !host.succeeds("systemctl", ["disable", "--now", layout.timerUnit]) {
                    reporter.warning("could not disable \(layout.timerUnit)")
                }
            }
            let offset = ScheduleFiles.describeOffset((try host.readText(layout.cronFile)) ?? "") ?? "unknown"
            reporter.info(
                "import_users is scheduled every 10 minutes by \(layout.cronFile) (this host's offset: \(offset))")
        } else {
            try host.run("systemctl", ["daemon-reload"])
            guard host.succeeds("systemctl", ["enable", "--now", layout.timerUnit]) else {
                throw SetupError(
                    "systemctl enable --now \(layout.timerUnit) failed; check: systemctl status \(layout.timerUnit)")
            }
            reporter.info("import_users is scheduled every 10 minutes by \(layout.timerUnit)")
        }
    }

    /// Where SELinux enforces, lets the key command (run by sshd) reach the network.
    func configureSELinux(_ configuration: Configuration) {
        guard host.locate("getenforce") != nil, let result = try? host.run("getenforce", []) else { return }
        let state = result.standardOutputText.trimmingNewlines
        guard state == "Enforcing" || state == "Permissive" else { return }
        if let current = try? host.run("getsebool", ["nis_enabled"]), current.standardOutputText.contains("--> on") {
            reporter.info("SELinux (\(state)): nis_enabled is already on, the key command may reach the network")
        } else if host.succeeds("setsebool", ["-P", "nis_enabled", "on"]) {
            reporter.info(
                "SELinux (\(state)): turned on the boolean nis_enabled (setsebool -P nis_enabled on) so that the key"
                    + " command, run by sshd, may reach IAM over the network")
        } else {
            reporter.warning(
                "SELinux (\(state)): could not turn on nis_enabled; logins with IAM keys will fail until you run:"
                    + " setsebool -P nis_enabled on")
        }
        if host.locate("restorecon") != nil,
            !host.succeeds(
                "restorecon",
                ["-F", layout.importProgram, layout.keysProgram, configuration.stateDir, configuration.keyCacheDir])
        {
            reporter.warning("restorecon failed on the installed files")
        }
    }

    /// Records the key cache directory as the installation's own, so that uninstall may remove it (and nothing else).
    func writeRecord(_ configuration: Configuration, cacheIsOurs: Bool) throws {
        let path = configuration.stateDir + "/" + SetupRecord.fileName
        let old = try host.readText(path)
        var record = SetupRecord(text: old ?? "")
        if cacheIsOurs { record.add(configuration.keyCacheDir) }
        guard record.text != old else { return }
        try host.fileSystem.writeFileAtomically(path, contents: Array(record.text.utf8), mode: 0o644, owner: .root)
    }

    /// After a successful migration: the bash tool's scripts move aside, and the marker group's members are noted.
    func retireOldTool(_ files: [String], configuration: Configuration) throws {
        let keep = configuration.stateDir + "/migrated-from-bash-tool"
        try host.fileSystem.createDirectory(keep, mode: 0o700, owner: .root)
        for file in files {
            guard let contents = try host.fileSystem.readFile(file), let status = try host.fileSystem.status(file)
            else { continue }
            let copy = keep + "/" + file.replacing("/", with: "_")
            try host.fileSystem.writeFileAtomically(copy, contents: contents, mode: status.mode, owner: status.owner)
            try host.fileSystem.removeFile(file)
            reporter.info("migrated: removed the bash tool's \(file) (a copy is in \(keep))")
        }
        let marker = configuration.localMarkerGroup
        if let group = host.group(marker) {
            let text = group.members.map { $0 + "\n" }.joined()
            try host.fileSystem.writeFileAtomically(
                keep + "/marker-group-members", contents: Array(text.utf8), mode: 0o644, owner: .root)
            reporter.info(
                "migrated: the accounts the bash tool created (members of \(marker):"
                    + " \(group.members.joined(separator: ","))) are kept")
        }
    }

    /// Records the pending adoption of the bash tool's accounts, so that the first scheduled import adopts them
    /// instead of refusing to run; part of the rollback scope like every file the installation writes.
    func recordAdoptionPending(_ configuration: Configuration, journal: SetupJournal) throws {
        var write = SetupPlan.Write(
            path: configuration.stateDir + "/" + LegacyAdoption.markerFileName,
            contents: LegacyAdoption.migrationMarker(), mode: 0o600)
        write.fixedOwner = .root
        try journal.apply(write)
        reporter.info("wrote \(write.path): the next import adopts the bash tool's accounts")
    }

    /// The first import after the commit; 3 when it fails (the installation stays).
    func firstImport(migrating: Bool) -> Int32 {
        if migrating && options.firstImport {
            reporter.info("first import done")
            return 0
        }
        guard options.firstImport else {
            reporter.info("not running the first import (--no-first-import): it runs at the next scheduled time")
            if migrating {
                reporter.warning(
                    "this host was migrated from the bash tool without the permission check and the first import:"
                        + " the next import adopts the bash tool's accounts (adoption is pending until one import"
                        + " succeeds), but nobody has checked that the instance role may make every call the new"
                        + " tool needs (it also needs iam:ListGroupsForUser at each login). Run '\(layout.importProgram)"
                        + " check' now, and '\(layout.importProgram)' once to import before anyone logs in")
            }
            return 0
        }
        reporter.info("running the first import: \(layout.importProgram)")
        let result: ProcessResult
        do {
            result = try host.runner.run(Command(layout.importProgram, [], environment: host.environment))
        } catch {
            reporter.error("aws-ec2-ssh is installed, but the first import could not start: \(error)")
            return 3
        }
        reporter.passThrough(result)
        guard result.succeeded else {
            let status: String
            if case .exited(let code) = result.termination {
                status = "exited with \(code)"
            } else {
                status = "ended by \(result.termination)"
            }
            reporter.error(
                "aws-ec2-ssh is installed, but the first import failed (\(layout.importProgram) \(status); its error"
                    + " messages are above, and in syslog: journalctl -t aws-ec2-ssh or /var/log/auth.log). Fix the"
                    + " cause (IAM permissions, credentials, \(layout.configFile)), then run \(layout.importProgram)"
                    + " by hand.")
            return 3
        }
        reporter.info("first import done")
        return 0
    }
}
