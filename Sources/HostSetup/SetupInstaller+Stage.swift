import EC2SSHCore
import EC2SSHSystem

extension SetupInstaller {
    /// The text of a template in the source directory; throws naming it when it is missing.
    func template(_ relativePath: String) throws -> String {
        let path = options.sourceDirectory + "/" + relativePath
        guard let text = try host.readText(path) else {
            throw SetupError(
                "\(path) is missing: run the installation from the complete release tarball or the repository")
        }
        return text
    }

    /// A schedule template (cron file or unit) running the layout's import_users, wherever it is installed.
    func scheduleTemplate(_ relativePath: String) throws -> String {
        ScheduleFiles.withProgram(
            try template(relativePath), standardProgram: SetupLayout.standard.importProgram,
            program: layout.importProgram)
    }

    /// The two programs from the bin directory.
    func stageBinaries(_ plan: inout SetupPlan) throws {
        for name in ["import_users", "authorized_keys_command"] {
            let source = options.binDirectory + "/" + name
            guard let contents = try host.fileSystem.readFile(source) else {
                throw SetupError("\(source) is missing; pass --bin-dir DIR with both binaries")
            }
            plan.writes.append(
                SetupPlan.Write(
                    path: layout.sbinDirectory + "/" + name, contents: contents, mode: 0o755, isText: false))
        }
    }

    /// Checks the packaged programs, which are not copied: both already installed and executable in the bin directory.
    ///
    /// With `--packaged` the bin directory is the layout's sbin directory. Warns about copies an earlier install.sh
    /// left in the standard one.
    func checkPackagedBinaries() throws {
        for program in [layout.importProgram, layout.keysProgram] {
            guard let status = try host.fileSystem.status(program), status.type == .regular, status.mode & 0o111 != 0
            else {
                throw SetupError(
                    "\(program) is missing or not an executable file: with --packaged the package must have installed"
                        + " both binaries in --bin-dir \(layout.sbinDirectory) already; nothing was changed")
            }
        }
        let standard = SetupLayout.standard
        guard layout.sbinDirectory != standard.sbinDirectory else { return }
        for copy in [standard.importProgram, standard.keysProgram] where try host.fileSystem.status(copy) != nil {
            reporter.warning(
                "\(copy) is left from an installation by install.sh; sshd and the schedule now run the packaged"
                    + " programs in \(layout.sbinDirectory): remove it with: rm \(copy)")
        }
    }

    /// Stages the configuration file: the current one (or the sample) with the options' keys set.
    ///
    /// It is validated by the parser exactly as the tools will read it; nothing is written when it is refused.
    func stageConfig(_ plan: inout SetupPlan, foreign: (ChainedCommand, String)?, migrating: Bool) throws
        -> Configuration
    {
        let path = layout.configFile
        let text = try host.readText(path) ?? template("etc/aws-ec2-ssh.conf")
        var editor: ConfigFileEditor
        do {
            editor = try ConfigFileEditor(text: text, path: path)
        } catch {
            let advice =
                migrating
                ? "The bash tool ran this file as a shell script; aws-ec2-ssh reads it without running it. Rewrite"
                    + " that line as KEY=\"value\" with the value written out (no $(...), backquotes or variables),"
                    + " then run the installation again. Nothing was changed: the bash tool keeps working."
                : "Fix that line, then run the installation again; nothing was changed."
            throw SetupError("\(error). \(advice)")
        }
        var settings = options.settings
        if let (command, source) = foreign, !editor.sets("CHAINED_AUTHORIZED_KEYS_COMMAND"),
            !options.sets("CHAINED_AUTHORIZED_KEYS_COMMAND")
        {
            reporter.info(
                "sshd already runs another AuthorizedKeysCommand (\(command.program) \(command.arguments), from"
                    + " \(source)): authorized_keys_command will run it too (CHAINED_AUTHORIZED_KEYS_COMMAND in"
                    + " \(path))")
            settings.insert(("CHAINED_AUTHORIZED_KEYS_COMMAND_ARGS", command.arguments), at: 0)
            settings.insert(("CHAINED_AUTHORIZED_KEYS_COMMAND", command.program), at: 0)
        }
        if options.snapshotPublicKey != nil, !options.sets("SNAPSHOT_PUBLIC_KEY") {
            settings.append(("SNAPSHOT_PUBLIC_KEY", layout.snapshotKeyFile))
        }
        for (key, value) in settings {
            do {
                try editor.set(key, to: value)
            } catch {
                throw SetupError(.usage, "\(error); nothing was changed")
            }
        }
        if options.sets("SUDOERS_GROUPS") && editor.sets("SUDOERSGROUP") {
            editor.commentOut("SUDOERSGROUP", note: "replaced by SUDOERS_GROUPS (install.sh -s)")
        }
        let configuration: Configuration
        do {
            let (parsed, warnings) = try editor.validate()
            configuration = parsed
            for warning in warnings { reporter.warning("\(warning)") }
        } catch {
            throw SetupError(.usage, "the configuration would be invalid: \(error); nothing was changed")
        }
        if configuration.doNotSync {
            throw SetupError(
                .usage,
                "DONOTSYNC=1 in \(path) would make import_users refuse every run (exit 6): nothing would ever be"
                    + " imported. Install without it (DONOTSYNC=0); to pause an installed host, set it by hand"
                    + " afterwards. Nothing was changed.")
        }
        plan.write(path, text: editor.text, mode: 0o640, user: "root", group: layout.serviceUser)
        return configuration
    }

    /// sshd's files: our drop-in (and conflicting lines of the files read before it commented out) when the main
    /// file includes the drop-in directory, else our block in the main file.
    func stageSSHD(_ plan: inout SetupPlan, files: [String]) throws {
        let editor = SSHDConfigEditor(layout: layout)
        let main = layout.sshdConfig
        let mainText = try host.readText(main) ?? ""
        if editor.includesDropinDirectory(mainText) {
            try stageEdit(
                &plan, main, from: mainText, to: editor.install(mainText, disabling: .beforeInclude, block: false))
            for file in files.dropFirst() where file.hasPrefix(layout.sshdDropinDirectory + "/") {
                let name = String(file.dropFirst(layout.sshdDropinDirectory.count + 1))
                guard name < layout.sshdDropinName, let text = try host.readText(file) else { continue }
                try stageEdit(&plan, file, from: text, to: editor.install(text, disabling: .all, block: false))
            }
            let sample = try template("etc/sshd_config.d/" + layout.sshdDropinName)
            plan.write(layout.sshdDropin, text: editor.dropin(sample: sample), mode: 0o644)
        } else {
            reporter.info("\(main) does not include \(layout.sshdDropinDirectory)/*.conf: editing it directly")
            try stageEdit(&plan, main, from: mainText, to: editor.install(mainText, disabling: .all, block: true))
            if try host.fileSystem.status(layout.sshdDropin) != nil { plan.remove(layout.sshdDropin) }
        }
    }

    /// Plans the new text of an existing sshd file when it changes: same owner, its mode without group or other
    /// write bits (sshd_config must never be writable by anyone but root).
    func stageEdit(_ plan: inout SetupPlan, _ path: String, from old: String, to new: String) throws {
        guard let status = try host.fileSystem.status(path) else { return }
        let mode = status.mode & 0o7777 & ~0o022
        guard new != old || (status.type == .regular && mode != status.mode & 0o7777) else { return }
        var write = SetupPlan.Write(path: path, contents: Array(new.utf8), mode: mode)
        write.fixedOwner = status.owner
        write.user = String(status.uid)
        write.group = String(status.gid)
        plan.writes.append(write)
    }

    /// Our override of sshd's unit when its ExecStart passes AuthorizedKeysCommand; whether it changes.
    func stageUnitOverride(_ plan: inout SetupPlan, unit: String?, override: SSHDUnitOverride?) throws -> Bool {
        guard let override, let unit else { return false }
        let path = "\(layout.unitDirectory)/\(unit).service.d/\(layout.sshdUnitDropinName)"
        let text = override.render(configFile: layout.configFile)
        plan.write(path, text: text, mode: 0o644)
        return try host.readText(path) != text
    }

    /// The cron file or the systemd units, and the removal of the other kind.
    func stageSchedule(_ plan: inout SetupPlan, timer: SetupTimer) throws {
        let units = [layout.timerUnit, layout.serviceUnit].map { layout.unitDirectory + "/" + $0 }
        if timer == .cron {
            let machineID = (try? host.readText("/etc/machine-id")) ?? nil
            let hostName = (try? host.readText("/proc/sys/kernel/hostname")) ?? nil
            let offset = ScheduleFiles.splaySeconds(
                machineID: (machineID ?? "").trimmingNewlines, hostName: (hostName ?? "").trimmingNewlines)
            do {
                let text = try ScheduleFiles.cronFile(
                    template: scheduleTemplate("cron/import_users"), splaySeconds: offset)
                plan.write(layout.cronFile, text: text, mode: 0o644)
            } catch let error as EC2SSHError {
                throw SetupError("internal error: \(error)")
            }
            for unit in units where try host.fileSystem.status(unit) != nil { plan.remove(unit) }
        } else {
            let vendor = try packageUnitDirectory()
            for name in [layout.serviceUnit, layout.timerUnit] {
                let path = layout.unitDirectory + "/" + name
                let text = try scheduleTemplate("etc/systemd/" + name)
                if vendor == nil {
                    plan.write(path, text: text, mode: 0o644)
                } else if try host.readText(path) == text {
                    // A copy an earlier installation wrote would shadow the package's unit and its updates.
                    plan.remove(path)
                }
            }
            if let vendor {
                reporter.info("the schedule uses the package's \(layout.timerUnit) in \(vendor)")
            }
            if try host.fileSystem.status(layout.cronFile) != nil { plan.remove(layout.cronFile) }
        }
    }

    /// With `--packaged`, the directory where the package installed both schedule units (Debian's /lib/systemd/system
    /// or /usr/lib/systemd/system), or `nil`: then the installation writes its own into the unit directory.
    func packageUnitDirectory() throws -> String? {
        guard options.packaged else { return nil }
        for directory in ["/usr/lib/systemd/system", "/lib/systemd/system"] {
            let present = try [layout.serviceUnit, layout.timerUnit].allSatisfy {
                try host.fileSystem.status(directory + "/" + $0)?.type == .regular
            }
            if present { return directory }
        }
        return nil
    }
}

extension String {
    /// The string without trailing line breaks and blanks.
    var trimmingNewlines: String {
        var text = self
        while let last = text.last, last.isNewline || last == " " { text.removeLast() }
        return text
    }
}
