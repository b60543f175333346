import EC2SSHCore
import EC2SSHSystem

extension SetupInstaller {
    /// `--dry-run`: what would change (file differences and actions), and the first import's own dry run.
    func showDryRun(plan: SetupPlan, changes: [SetupPlan.Write], configuration: Configuration, oldTool: [String])
        throws
    {
        reporter.info("dry run: nothing is changed")
        if host.user(layout.serviceUser) == nil { reporter.info("would create the system user \(layout.serviceUser)") }
        reporter.info(
            "would create or fix \(configuration.stateDir) (root, 0755) and \(configuration.keyCacheDir)"
                + " (\(layout.serviceUser), 0700)")
        if options.packaged {
            reporter.info(
                "would run the packaged \(layout.importProgram) and \(layout.keysProgram) where they are (not copied)")
        }
        SetupPlanPrinter(host: host, binDirectory: options.binDirectory).show(changes: changes, removals: plan.removals)
        if !oldTool.isEmpty {
            reporter.info(
                "would check the IAM permissions (import_users check), then move the bash tool's"
                    + " \(oldTool.joined(separator: " ")) to \(configuration.stateDir)/migrated-from-bash-tool once the"
                    + " first import succeeded")
        }
        reporter.info(
            "would then validate with sshd -t, reload sshd if it runs"
                + (options.firstImport ? ", and run the first import" : ""))
        guard options.firstImport else { return }
        let program = options.binDirectory + "/import_users"
        guard let help = try? host.runner.run(Command(program, ["--help"], environment: host.environment)),
            help.standardOutputText.contains("--dry-run")
        else { return }
        reporter.info("what the first import would do (import_users --dry-run with the new configuration):")
        let staged = try stageConfigFile(plan)
        defer { try? host.fileSystem.removeFile(staged) }
        var arguments = ["--dry-run", "--config", staged]
        if !oldTool.isEmpty { arguments.append("--adopt-legacy-accounts") }
        let result = try host.runner.run(Command(program, arguments, environment: host.environment))
        reporter.passThrough(result)
        if !result.succeeded {
            reporter.warning("import_users --dry-run: \(result.termination): the first import would fail the same way")
        }
    }
}

/// Prints planned file changes as `would create/update/remove` lines with their differences.
struct SetupPlanPrinter {
    /// The host.
    let host: SetupHost
    /// Where binaries come from, for their line.
    let binDirectory: String

    /// Prints every change; "no file would change" when there is none.
    func show(changes: [SetupPlan.Write], removals: [String]) {
        let reporter = host.reporter
        for write in changes {
            let old = (try? host.readText(write.path)) ?? nil
            let owner = "\(write.user):\(write.group)"
            reporter.info(
                "would \(old == nil ? "create" : "update") \(write.path) (mode \(String(write.mode, radix: 8)), \(owner)):"
            )
            if !write.isText {
                reporter.plain(["    (binary from \(binDirectory))"])
                continue
            }
            let diff = LineDiff.unified(
                old: old ?? "", new: String(decoding: write.contents, as: UTF8.self),
                oldLabel: old == nil ? "/dev/null" : "\(write.path) (now)", newLabel: "\(write.path) (new)")
            reporter.plain(diff.map { "    " + $0 })
        }
        for path in removals { reporter.info("would remove \(path)") }
        if changes.isEmpty && removals.isEmpty { reporter.info("no file would change") }
    }
}
