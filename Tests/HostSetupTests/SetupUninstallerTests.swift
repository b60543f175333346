import EC2SSHCore
import EC2SSHSystem
import HostSetup
import TestSupport
import Testing

/// Uninstall: what it removes, and what it keeps.
struct SetupUninstallerTests {
    func installed() -> SetupWorld {
        let world = SetupWorld()
        #expect(SetupInstaller(host: world.host, options: SetupWorld.installOptions()).run() == 0)
        world.fs.clearChanges()
        return world
    }

    @Test func uninstallRemovesWhatInstallSetUp() {
        let world = installed()
        #expect(SetupUninstaller(host: world.host, options: UninstallOptions()).run() == 0)
        for path in [
            "/usr/local/sbin/import_users", "/etc/aws-ec2-ssh.conf", "/etc/cron.d/import_users",
            "/etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf",
        ] {
            #expect(world.fs.node(path) == nil, "\(path)")
        }
        #expect(world.commandLines.contains("/bin/rm -r --one-file-system -- /var/cache/aws-ec2-ssh"))
        #expect(world.commandLines.contains("/usr/sbin/userdel -- aws-ec2-ssh"))
    }

    /// Defect 2: --keep-config leaves the file exactly as it is, and the group that owns it.
    @Test func keepConfigKeepsOwnerAndMode() {
        let world = installed()
        let before = world.fs.node("/etc/aws-ec2-ssh.conf")
        #expect(SetupUninstaller(host: world.host, options: UninstallOptions(keepConfig: true)).run() == 0)
        #expect(world.fs.node("/etc/aws-ec2-ssh.conf") == before)
        #expect(!world.fs.changes.contains { $0.path.hasSuffix("/etc/aws-ec2-ssh.conf") })
        #expect(!world.commandLines.contains { $0.contains("userdel") || $0.contains("groupdel") })
    }

    /// Defect 4: a cache directory install did not record is left alone.
    @Test func unrecordedCacheDirectoryIsKept() {
        let world = installed()
        world.fs.addFile("/var/lib/aws-ec2-ssh/setup-record", "# nothing\n")
        #expect(SetupUninstaller(host: world.host, options: UninstallOptions()).run() == 0)
        #expect(!world.commandLines.contains { $0.hasPrefix("/bin/rm") })
        #expect(world.output.contains("was not created by the installation: leaving it"))
    }

    /// Defect 1 on the way out: a symlinked sshd file holding our edits is not replaced; nothing changes.
    @Test func symlinkedSSHDConfigWithOurEditsIsRefused() {
        let world = SetupWorld()
        world.fs.addFile("/etc/ssh/real_config", "UsePAM yes\n#aws-ec2-ssh-disabled# AuthorizedKeysCommand /x\n")
        world.fs.addSymlink("/etc/ssh/sshd_config", to: "/etc/ssh/real_config")
        world.fs.addFile("/usr/local/sbin/import_users", "x", mode: 0o755)
        world.fs.clearChanges()
        #expect(SetupUninstaller(host: world.host, options: UninstallOptions()).run() == 1)
        #expect(world.output.contains("/etc/ssh/sshd_config is a symbolic link"))
        #expect(world.fs.changes == [])
    }

    @Test func recordRoundTrip() {
        var record = SetupRecord(text: "# comment\ncreated-directory /a\nnonsense\ncreated-directory /b\n")
        #expect(record.createdDirectories == ["/a", "/b"])
        record.add("/a")
        record.add("/c")
        #expect(SetupRecord(text: record.text) == record)
        #expect(record.createdDirectories == ["/a", "/b", "/c"])
    }

    @Test func dryRunChangesNothing() {
        let world = installed()
        #expect(SetupUninstaller(host: world.host, options: UninstallOptions(dryRun: true)).run() == 0)
        #expect(world.output.contains("would remove /usr/local/sbin/import_users"))
        #expect(world.fs.changes == [])
    }
}
