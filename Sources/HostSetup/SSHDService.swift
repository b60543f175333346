public import EC2SSHCore
import EC2SSHSystem

/// The OpenSSH server of the host: its files, `sshd -t` / `sshd -T`, and how to make it reload.
public struct SSHDService: Sendable {
    /// The host.
    public let host: SetupHost
    /// The sshd program.
    public let program: String

    /// Finds sshd in the search path; throws when the OpenSSH server is not installed.
    public init(host: SetupHost) throws {
        guard let program = host.locate("sshd") else {
            throw SetupError("sshd not found: install the OpenSSH server (openssh-server) first; nothing was changed")
        }
        self.host = host
        self.program = program
    }

    /// `sshd -t`: `nil` when it accepts the configuration, else its message.
    public func test() throws -> String? {
        let result = try host.runner.run(Command(program, ["-t"], environment: host.environment))
        if result.succeeded { return nil }
        let text = (result.standardErrorText + result.standardOutputText)
        return text.split(separator: "\n").joined(separator: " ")
    }

    /// Checks that sshd accepts the new files and that `sshd -T` shows our command and user in effect.
    public func validateInstalled() throws {
        if let message = try test() {
            throw SetupError(
                "sshd rejects the new configuration (\(program) -t: \(message)); the previous files are being"
                    + " restored. Nothing else was changed.")
        }
        let result = try host.runner.run(Command(program, ["-T"], environment: host.environment))
        guard result.succeeded else {
            host.reporter.warning(
                "could not check which AuthorizedKeysCommand sshd uses (\(program) -T: \(result.standardErrorText))")
            return
        }
        let effective = result.standardOutputText.lowercased().split(separator: "\n").filter {
            $0.hasPrefix("authorizedkeyscommand ") || $0.hasPrefix("authorizedkeyscommanduser ")
        }
        let layout = host.layout
        guard effective.contains(Substring("authorizedkeyscommand " + layout.keysCommandLine.lowercased())),
            effective.contains(Substring("authorizedkeyscommanduser " + layout.serviceUser))
        else {
            throw SetupError(
                "sshd accepts the new configuration but would not use it (sshd -T shows: "
                    + effective.joined(separator: "; ") + "); another file sets AuthorizedKeysCommand first. Remove"
                    + " that setting, then run the installation again; the previous files are being restored.")
        }
        host.reporter.info(
            "sshd -t accepts the configuration; AuthorizedKeysCommand is \(layout.keysCommandLine), run as"
                + " \(layout.serviceUser)")
    }

    /// The main sshd_config and the regular files its top-level Include lines pull in, in the order sshd reads
    /// them (the main file first).
    public func configFiles() throws -> [String] {
        let main = host.layout.sshdConfig
        guard let text = try host.readText(main) else { return [] }
        var files = [main]
        for pattern in SSHDConfigEditor(layout: host.layout).includePatterns(text) {
            let (directory, name) = GlobPattern.split(pattern)
            let names = (try? host.fileSystem.listDirectory(directory)) ?? []
            for match in names where GlobPattern.matches(match, name) {
                let path = directory + "/" + match
                if let status = try host.fileSystem.status(path),
                    status.type == .regular || status.type == .symbolicLink,
                    !files.contains(path)
                {
                    files.append(path)
                }
            }
        }
        return files
    }

    /// The unit drop-ins that override sshd's ExecStart with an AuthorizedKeysCommand option; the last one wins.
    public func unitOverride() throws -> (unit: String?, override: SSHDUnitOverride?) {
        var unit: String?
        var found: SSHDUnitOverride?
        for name in ["sshd", "ssh"] {
            for directory in [
                "/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system",
            ] {
                if (try host.fileSystem.status("\(directory)/\(name).service")) != nil, unit == nil { unit = name }
                let dropins = "\(directory)/\(name).service.d"
                guard (try host.fileSystem.status(dropins))?.type == .directory else { continue }
                for file in try host.fileSystem.listDirectory(dropins)
                where GlobPattern.matches(file, "*.conf") && file != host.layout.sshdUnitDropinName {
                    guard let text = try host.readText("\(dropins)/\(file)"),
                        let override = try SSHDUnitOverride.parse(unitText: text, sourceFile: "\(dropins)/\(file)")
                    else { continue }
                    unit = name
                    found = override
                }
            }
        }
        return (unit, found)
    }

    /// Makes a running sshd read its configuration again (or restart, when its unit's command line changed).
    public func reload(restart: Bool, unitChanged: Bool) throws {
        let action = restart ? "restart" : "reload"
        let reporter = host.reporter
        if host.systemdRunning {
            if unitChanged { try host.run("systemctl", ["daemon-reload"]) }
            for unit in ["ssh", "sshd"] where host.succeeds("systemctl", ["is-active", "--quiet", "\(unit).service"]) {
                if restart {
                    reporter.info("restarting \(unit).service: its command line changed (existing sessions stay)")
                }
                guard host.succeeds("systemctl", [action, "\(unit).service"]) else {
                    throw SetupError("systemctl \(action) \(unit).service failed; check: journalctl -u \(unit).service")
                }
                reporter.info("sshd: systemctl \(action) \(unit).service done")
                return
            }
        }
        guard host.processRunning(["sshd"]) else {
            reporter.info("sshd is not running: nothing to reload (it reads the new configuration when it starts)")
            return
        }
        for name in ["ssh", "sshd"] {
            let script = "/etc/init.d/\(name)"
            guard let status = try host.fileSystem.status(script), status.mode & 0o111 != 0 else { continue }
            if host.locate("service") != nil {
                guard host.succeeds("service", [name, "reload"]) else {
                    throw SetupError("service \(name) reload failed; reload sshd by hand")
                }
                reporter.info("sshd: service \(name) reload done")
            } else {
                guard host.succeeds(script, ["reload"]) else {
                    throw SetupError("\(script) reload failed; reload sshd by hand")
                }
                reporter.info("sshd: \(script) reload done")
            }
            return
        }
        for pidFile in ["/run/sshd.pid", "/var/run/sshd.pid"] {
            guard let text = try host.readText(pidFile) else { continue }
            let pid = text.split(separator: "\n").first.map(String.init) ?? ""
            guard Int32(pid) != nil, host.succeeds("kill", ["-HUP", pid]) else {
                throw SetupError("could not send SIGHUP to sshd (pid file \(pidFile)); reload sshd by hand")
            }
            reporter.info("sshd: sent SIGHUP to pid \(pid), reload done")
            return
        }
        reporter.warning(
            "sshd runs but no way to reload it was found (no systemd, service, init script or pid file): reload it"
                + " by hand")
    }
}
