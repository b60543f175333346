import EC2SSHCore
import EC2SSHSystem
import HostSetup
import TestSupport
import Testing

/// `--packaged`: the binaries stay where the package put them, and belong to the package manager.
struct SetupPackagedTests {
    /// A host where the .deb has installed both binaries in /usr/sbin (dpkg-query knows the package).
    static func packageHost() -> SetupWorld {
        let world = SetupWorld()
        world.fs.addFile("/usr/sbin/import_users", "PACKAGED-IMPORT", mode: 0o755)
        world.fs.addFile("/usr/sbin/authorized_keys_command", "PACKAGED-KEYS", mode: 0o755)
        world.fs.clearChanges()
        return world
    }

    static func packagedOptions(_ directory: String = "/usr/sbin") -> InstallOptions {
        var options = InstallOptions(binDirectory: directory, sourceDirectory: "/src")
        options.timer = .cron
        options.firstImport = false
        options.packaged = true
        return options
    }

    /// Defect 1: sshd and the schedule run the packaged programs; nothing of ours appears in /usr/local/sbin.
    @Test func packagedInstallRunsTheBinariesWhereThePackagePutThem() {
        let world = Self.packageHost()
        #expect(SetupInstaller(host: world.host, options: Self.packagedOptions()).run() == 0)
        #expect(
            world.fs.text("/etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf")
                == "# ours\nAuthorizedKeysCommand /usr/sbin/authorized_keys_command %u %f\n"
                + "AuthorizedKeysCommandUser aws-ec2-ssh\n")
        let cron = world.fs.text("/etc/cron.d/import_users") ?? ""
        #expect(cron.contains(" && /usr/sbin/import_users\n"), "\(cron)")
        #expect(!cron.contains("/usr/local/sbin/import_users"), "\(cron)")
        #expect(world.fs.node("/usr/local/sbin/import_users") == nil)
        #expect(world.fs.node("/usr/local/sbin/authorized_keys_command") == nil)
        #expect(!world.fs.changes.contains { $0.path.contains("sbin/") }, "\(world.fs.changes)")
        #expect(world.fs.text("/usr/sbin/import_users") == "PACKAGED-IMPORT")
        #expect(world.output.contains("installed: /usr/sbin/import_users, /usr/sbin/authorized_keys_command"))
    }

    /// Defect 1: uninstall takes sshd's wiring, the schedule and the configuration away, never the packaged
    /// programs.
    @Test func packagedUninstallKeepsThePackagesBinaries() {
        let world = Self.packageHost()
        #expect(SetupInstaller(host: world.host, options: Self.packagedOptions()).run() == 0)
        world.fs.clearChanges()
        let options = UninstallOptions(keepConfig: true, packagedDirectory: "/usr/sbin")
        #expect(SetupUninstaller(host: world.host, options: options).run() == 0)
        #expect(world.fs.text("/usr/sbin/import_users") == "PACKAGED-IMPORT")
        #expect(world.fs.text("/usr/sbin/authorized_keys_command") == "PACKAGED-KEYS")
        #expect(world.fs.node("/etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf") == nil)
        #expect(world.fs.node("/etc/cron.d/import_users") == nil)
        #expect(world.fs.node("/etc/aws-ec2-ssh.conf") != nil)
        #expect(!world.fs.changes.contains { $0.path.contains("sbin/") }, "\(world.fs.changes)")
        #expect(!world.output.contains("leaving it"), "\(world.output)")
    }

    /// Without --packaged, uninstall still removes install.sh's copies (and says so in a dry run).
    @Test func unpackagedUninstallRemovesTheCopies() {
        let world = SetupWorld()
        #expect(SetupInstaller(host: world.host, options: SetupWorld.installOptions()).run() == 0)
        #expect(SetupUninstaller(host: world.host, options: UninstallOptions()).run() == 0)
        #expect(world.fs.node("/usr/local/sbin/authorized_keys_command") == nil)
    }

    @Test func packagedBinaryMissingIsRefusedBeforeAnyChange() {
        let world = SetupWorld()
        world.fs.addFile("/usr/sbin/import_users", "PACKAGED-IMPORT", mode: 0o755)
        world.fs.clearChanges()
        #expect(SetupInstaller(host: world.host, options: Self.packagedOptions()).run() == 1)
        #expect(world.output.contains("/usr/sbin/authorized_keys_command is missing or not an executable file"))
        #expect(world.fs.changes == [])
    }

    @Test(arguments: ["usr/sbin", "/usr/sbin/", "/usr/../tmp", "/usr//sbin", "/", "/opt/my bin"])
    func packagedDirectoryMustBeAPlainAbsolutePath(directory: String) {
        let world = Self.packageHost()
        #expect(SetupInstaller(host: world.host, options: Self.packagedOptions(directory)).run() == 2)
        #expect(world.output.contains("--packaged: --bin-dir must be the absolute directory"))
        #expect(
            SetupUninstaller(host: world.host, options: UninstallOptions(packagedDirectory: directory)).run() == 2)
        #expect(world.fs.changes == [])
    }

    /// Copies an earlier install.sh left in /usr/local/sbin are named, not silently left behind.
    @Test func leftoverCopiesAreReported() {
        let world = Self.packageHost()
        world.fs.addFile("/usr/local/sbin/import_users", "OLD-COPY", mode: 0o755)
        #expect(SetupInstaller(host: world.host, options: Self.packagedOptions()).run() == 0)
        #expect(world.output.contains("/usr/local/sbin/import_users is left from an installation by install.sh"))
        #expect(world.fs.text("/usr/local/sbin/import_users") == "OLD-COPY")
    }

    /// Defect 2: a package named aws-ec2-ssh refuses the installation only when it owns a bash tool script.
    @Test(
        arguments: [
            ("dpkg", "/.\n/usr/sbin/import_users\n/usr/sbin/authorized_keys_command\n/etc/aws-ec2-ssh.conf\n", nil),
            ("dpkg", "/.\n/usr/bin\n/usr/bin/import_users.sh\n/usr/bin/authorized_keys_command.sh\n", "apt-get remove"),
            ("rpm", "/etc/aws-ec2-ssh.conf\n/usr/sbin/authorized_keys_command\n/usr/sbin/import_users\n", nil),
            ("rpm", "/opt/authorized_keys_command.sh\n/opt/import_users.sh\n", "dnf remove aws-ec2-ssh"),
        ] as [(String, String, String?)])
    func oldToolPackageIsTheOneOwningItsScripts(manager: String, files: String, refusal: String?) {
        let world = Self.packageHost()
        world.fs.addFile("/usr/bin/rpm", "#!/bin/true\n", mode: 0o755)
        world.fs.clearChanges()
        world.set {
            if manager == "dpkg" {
                $0.answers["/usr/bin/dpkg-query -W -f=${Status} aws-ec2-ssh"] = .exited(
                    0, standardOutput: "install ok installed")
                $0.answers["/usr/bin/dpkg-query -L aws-ec2-ssh"] = .exited(0, standardOutput: files)
                $0.answers["/usr/bin/rpm -q aws-ec2-ssh"] = .exited(1)
                $0.answers["/usr/bin/rpm -ql aws-ec2-ssh"] = .exited(1)
            } else {
                $0.answers["/usr/bin/rpm -q aws-ec2-ssh"] = .exited(0, standardOutput: "aws-ec2-ssh-1.0.0-1.x86_64\n")
                $0.answers["/usr/bin/rpm -ql aws-ec2-ssh"] = .exited(0, standardOutput: files)
            }
        }
        let status = SetupInstaller(host: world.host, options: Self.packagedOptions()).run()
        if let refusal {
            #expect(status == 1)
            #expect(
                world.output.contains(
                    "the bash version of aws-ec2-ssh is installed as a package; its files belong to the package"
                        + " manager. Back up /etc/aws-ec2-ssh.conf, remove the package with: \(refusal)"))
            #expect(world.fs.changes == [])
        } else {
            #expect(status == 0, "\(world.output)")
            #expect(!world.output.contains("bash version"))
        }
    }

    /// Under systemd, a packaged installation uses the package's units instead of writing copies into
    /// /etc/systemd/system (which would shadow the package's updates), and removes copies an earlier one wrote.
    @Test(arguments: ["/lib/systemd/system", "/usr/lib/systemd/system"])
    func packagedInstallUsesThePackagesUnits(vendor: String) {
        let world = Self.packageHost()
        world.enableSystemd()
        world.fs.addFile(vendor + "/aws-ec2-ssh-import.service", "[Service]\nExecStart=/usr/sbin/import_users\n")
        world.fs.addFile(vendor + "/aws-ec2-ssh-import.timer", "[Timer]\n")
        world.fs.addFile("/etc/systemd/system/aws-ec2-ssh-import.timer", "[Timer]\n")
        world.fs.addFile("/etc/systemd/system/aws-ec2-ssh-import.service", "edited by the administrator\n")
        world.fs.clearChanges()
        var options = Self.packagedOptions()
        options.timer = .systemd
        #expect(SetupInstaller(host: world.host, options: options).run() == 0, "\(world.output)")
        #expect(world.fs.node("/etc/systemd/system/aws-ec2-ssh-import.timer") == nil)
        #expect(world.fs.text("/etc/systemd/system/aws-ec2-ssh-import.service") == "edited by the administrator\n")
        #expect(!world.fs.writes.contains { $0.path.hasPrefix("/etc/systemd/") }, "\(world.fs.writes)")
        #expect(world.commandLines.contains("/usr/bin/systemctl enable --now aws-ec2-ssh-import.timer"))
        #expect(world.output.contains("the package's aws-ec2-ssh-import.timer in \(vendor)"))
    }

    /// Without the package's units (an unpacked tarball run with --packaged), the installation writes its own.
    @Test func packagedInstallWithoutPackageUnitsWritesItsOwn() {
        let world = Self.packageHost()
        world.enableSystemd()
        var options = Self.packagedOptions()
        options.timer = .systemd
        #expect(SetupInstaller(host: world.host, options: options).run() == 0, "\(world.output)")
        #expect(world.fs.text("/etc/systemd/system/aws-ec2-ssh-import.timer") == "[Timer]\n")
    }
}
