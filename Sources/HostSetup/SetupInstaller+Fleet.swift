import EC2SSHCore
import EC2SSHSystem

/// Fleet mode in the installation: the pinned snapshot key (`--snapshot-public-key`) and the publisher's schedule
/// (`--publisher`, `--no-publisher`).
extension SetupInstaller {
    /// The publisher's schedule files, cron first.
    var publishFiles: [String] {
        [layout.publishCronFile]
            + [layout.publishTimerUnit, layout.publishServiceUnit].map {
                layout.unitDirectory + "/" + $0
            }
    }

    /// Stages the pinned public key: the PEM of `--snapshot-public-key`, checked and normalised.
    func stageSnapshotKey(_ plan: inout SetupPlan) throws {
        guard let source = options.snapshotPublicKey else { return }
        guard let text = try host.readText(source) else {
            throw SetupError(.usage, "--snapshot-public-key \(source): no such file; nothing was changed")
        }
        do {
            plan.write(layout.snapshotKeyFile, text: try SnapshotKeyFile.normalised(text, path: source), mode: 0o644)
        } catch let error as EC2SSHError {
            throw SetupError(.usage, "\(error); nothing was changed")
        }
    }

    /// Stages the publisher's schedule when this host publishes, or its removal; returns whether it publishes.
    ///
    /// Without `--publisher` or `--no-publisher`, a host keeps the role it has. A publisher needs SNAPSHOT_URL and
    /// SNAPSHOT_KMS_KEY_ID in the staged configuration.
    func stagePublisher(_ plan: inout SetupPlan, timer: SetupTimer) throws -> Bool {
        let installed = try publishFiles.contains { try host.fileSystem.status($0) != nil }
        let active = options.publisher ?? installed
        guard active else {
            for path in publishFiles where try host.fileSystem.status(path) != nil { plan.remove(path) }
            return false
        }
        let config = plan.text(of: layout.configFile) ?? ""
        let editor = try? ConfigFileEditor(text: config, path: layout.configFile)
        let missing = ["SNAPSHOT_URL", "SNAPSHOT_KMS_KEY_ID"].filter { editor?.sets($0) != true }
        if !missing.isEmpty {
            throw SetupError(
                .usage,
                "--publisher needs \(missing.joined(separator: " and ")) in \(layout.configFile) (for example"
                    + " --snapshot-url s3://BUCKET/KEY --set SNAPSHOT_KMS_KEY_ID=alias/aws-ec2-ssh); nothing was"
                    + " changed")
        }
        if timer == .cron {
            plan.write(layout.publishCronFile, text: try scheduleTemplate("cron/aws-ec2-ssh-publish"), mode: 0o644)
            for unit in publishFiles.dropFirst() where try host.fileSystem.status(unit) != nil { plan.remove(unit) }
        } else {
            for name in [layout.publishServiceUnit, layout.publishTimerUnit] {
                plan.write(
                    layout.unitDirectory + "/" + name, text: try scheduleTemplate("etc/systemd/" + name), mode: 0o644)
            }
            if try host.fileSystem.status(layout.publishCronFile) != nil { plan.remove(layout.publishCronFile) }
        }
        return true
    }

    /// Starts (or stops) the publisher's systemd timer after the files are in place, and says how it runs.
    func activatePublisher(_ timer: SetupTimer, active: Bool) throws {
        let enabled =
            host.systemdRunning && host.succeeds("systemctl", ["is-enabled", "--quiet", layout.publishTimerUnit])
        if active && timer == .systemd {
            guard host.succeeds("systemctl", ["enable", "--now", layout.publishTimerUnit]) else {
                throw SetupError(
                    "systemctl enable --now \(layout.publishTimerUnit) failed; check: systemctl status"
                        + " \(layout.publishTimerUnit)")
            }
        } else if enabled, !host.succeeds("systemctl", ["disable", "--now", layout.publishTimerUnit]) {
            reporter.warning("could not disable \(layout.publishTimerUnit)")
        }
        if active {
            let by = timer == .cron ? layout.publishCronFile : layout.publishTimerUnit
            reporter.info(
                "this host publishes the fleet snapshot every 2 minutes (import_users publish, by \(by)); check it"
                    + " once with: \(layout.importProgram) publish --dry-run")
        } else if options.publisher == false {
            reporter.info("this host no longer publishes the fleet snapshot")
        }
    }
}
