import EC2SSHCore
import EC2SSHSystem
import HostSetup
import TestSupport
import Testing

/// The installation on a host in memory: what it writes, what it refuses before any change, what it rolls back.
struct SetupInstallerTests {
    func install(_ world: SetupWorld, _ options: InstallOptions = SetupWorld.installOptions()) -> Int32 {
        SetupInstaller(host: world.host, options: options).run()
    }

    @Test func freshInstallWritesEveryFile() throws {
        let world = SetupWorld()
        #expect(install(world, SetupWorld.installOptions([("IAM_AUTHORIZED_GROUPS", "admins")])) == 0)
        #expect(
            world.fs.node("/usr/local/sbin/import_users")
                == .file("IMPORT-BINARY", mode: 0o755, owner: .root))
        #expect(
            world.fs.node("/etc/aws-ec2-ssh.conf")
                == .file(
                    "# sample\n#IAM_AUTHORIZED_GROUPS=\"\"\nIAM_AUTHORIZED_GROUPS=\"admins\"\n#KEY_CACHE_DIR=\"\"\n",
                    mode: 0o640, owner: FileOwner(uid: 0, gid: 997)))
        #expect(
            world.fs.text("/etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf")
                == "# ours\nAuthorizedKeysCommand /usr/local/sbin/authorized_keys_command %u %f\n"
                + "AuthorizedKeysCommandUser aws-ec2-ssh\n")
        #expect(world.fs.text("/etc/ssh/sshd_config") == SetupWorld.sshdConfig)
        #expect(world.fs.text("/etc/cron.d/import_users")?.contains("root sleep") == true)
        #expect(world.fs.node("/var/cache/aws-ec2-ssh") == .directory(mode: 0o700, owner: SetupWorld.serviceOwner))
        #expect(
            world.fs.text("/var/lib/aws-ec2-ssh/setup-record")?.contains("created-directory /var/cache/aws-ec2-ssh")
                == true)
        #expect(world.commandLines.contains { $0.hasPrefix("/usr/sbin/useradd --system") })
        #expect(world.commandLines.contains("/usr/sbin/sshd -T"))
    }

    @Test func secondIdenticalInstallWritesNothing() {
        let world = SetupWorld()
        #expect(install(world) == 0)
        world.fs.clearChanges()
        #expect(install(world) == 0)
        #expect(world.fs.writes == [])
    }

    /// Defect 3: invalid values are refused with the parser's message before anything changes.
    @Test(arguments: [
        ("IAM_AUTHORIZED_GROUPS", "ssh;ops", "invalid IAM_AUTHORIZED_GROUPS"),
        ("KEY_COMMAND_TIMEOUT", "120", "invalid KEY_COMMAND_TIMEOUT"),
        ("MAX_DELETE_PERCENT", "abc", "invalid MAX_DELETE_PERCENT"),
        ("DONOTSYNC", "1", "DONOTSYNC=1"),
        ("NOT_A_KEY", "1", "unknown configuration key [NOT_A_KEY]"),
        ("LOCAL_GROUPS", "a\"b", "may not contain"),
        ("KEY_CACHE_DIR", "/var/cache", "names a system directory"),
        ("KEY_CACHE_DIR", "/", "invalid KEY_CACHE_DIR=\"/\": the root directory cannot be used"),
    ])
    func refusedBeforeAnyChange(key: String, value: String, message: String) {
        let world = SetupWorld()
        #expect(install(world, SetupWorld.installOptions([(key, value)])) == 2)
        #expect(world.output.contains(message))
        #expect(world.fs.changes == [])
        #expect(!world.commandLines.contains { $0.contains("useradd") })
    }

    /// Defect 4: an existing directory that holds other things is not taken as the key cache.
    @Test func foreignCacheDirectoryIsRefused() {
        let world = SetupWorld()
        world.fs.addFile("/srv/shared/data", "x")
        world.fs.clearChanges()
        #expect(install(world, SetupWorld.installOptions([("KEY_CACHE_DIR", "/srv/shared")])) == 2)
        #expect(world.output.contains("holds 1 entries"))
        #expect(world.fs.changes == [])
    }

    /// Defect 1: a symlinked sshd_config that would be edited is refused; the link stays.
    @Test func symlinkedSSHDConfigIsNeverReplaced() {
        let world = SetupWorld()
        world.fs.addFile("/etc/ssh/real_config", "UsePAM yes\n")
        world.fs.addSymlink("/etc/ssh/sshd_config", to: "/etc/ssh/real_config")
        world.fs.clearChanges()
        #expect(install(world) == 1)
        #expect(world.output.contains("/etc/ssh/sshd_config is a symbolic link"))
        #expect(world.fs.node("/etc/ssh/sshd_config") == .link(to: "/etc/ssh/real_config"))
        #expect(world.fs.changes == [])
    }

    /// Defect 1: a symlinked drop-in read before ours is refused too.
    @Test func symlinkedDropinIsNeverReplaced() {
        let world = SetupWorld()
        world.fs.addFile("/etc/ssh/other.conf", "AuthorizedKeysCommand /opt/x %u\n")
        world.fs.addSymlink("/etc/ssh/sshd_config.d/00-a.conf", to: "/etc/ssh/other.conf")
        world.fs.clearChanges()
        #expect(install(world) == 1)
        #expect(world.output.contains("/etc/ssh/sshd_config.d/00-a.conf is a symbolic link"))
        #expect(world.fs.changes == [])
    }

    /// Defect 1: group and other write bits never stay on an sshd file we write.
    @Test func writableSSHDConfigIsTightened() {
        let world = SetupWorld()
        world.fs.addFile("/etc/ssh/sshd_config", "UsePAM yes\n", mode: 0o666)
        #expect(install(world) == 0)
        guard let node = world.fs.node("/etc/ssh/sshd_config"), node.type == .regular else {
            Issue.record("sshd_config is not a file")
            return
        }
        #expect(node.mode == 0o644)
        #expect(node.text.contains("# BEGIN aws-ec2-ssh"))
    }

    /// Defect 6: --timer=systemd without systemd changes nothing.
    @Test func systemdTimerWithoutSystemdIsRefused() {
        let world = SetupWorld()
        var options = SetupWorld.installOptions()
        options.timer = .systemd
        #expect(install(world, options) == 1)
        #expect(world.output.contains("systemd is not running on this host"))
        #expect(world.fs.changes == [])
    }

    @Test func rejectedSSHDConfigurationIsRolledBack() {
        let world = SetupWorld()
        world.fs.addFile("/etc/aws-ec2-ssh.conf", "IAM_AUTHORIZED_GROUPS=\"before\"\n", mode: 0o644)
        world.fs.clearChanges()
        world.set { $0.sshdTestFailsAfterChange = true }
        #expect(install(world, SetupWorld.installOptions([("IAM_AUTHORIZED_GROUPS", "after")])) == 1)
        #expect(world.output.contains("sshd rejects the new configuration"))
        #expect(world.output.contains("rolling back"))
        #expect(
            world.fs.node("/etc/aws-ec2-ssh.conf")
                == .file("IAM_AUTHORIZED_GROUPS=\"before\"\n", mode: 0o644, owner: .root))
        for path in [
            "/usr/local/sbin/import_users", "/etc/ssh/sshd_config.d/00-aws-ec2-ssh.conf", "/etc/cron.d/import_users",
        ] {
            #expect(world.fs.node(path) == nil, "\(path)")
        }
        #expect(world.commandLines.contains("/usr/sbin/userdel -- aws-ec2-ssh"))
    }

    @Test func brokenSSHDConfigurationStopsBeforeAnyChange() {
        let world = SetupWorld()
        world.set { $0.sshdTestFailsNow = true }
        #expect(install(world) == 1)
        #expect(world.output.contains("invalid before any change"))
        #expect(world.fs.changes == [])
    }

    @Test func failingFirstImportKeepsTheInstallation() {
        let world = SetupWorld()
        world.set { $0.importStatus = 3 }
        #expect(install(world, SetupWorld.installOptions(firstImport: true)) == 3)
        #expect(world.output.contains("the first import failed (/usr/local/sbin/import_users exited with 3"))
        #expect(world.fs.node("/usr/local/sbin/import_users") != nil)
    }

    @Test func dryRunChangesNothing() {
        let world = SetupWorld()
        var options = SetupWorld.installOptions([("IAM_AUTHORIZED_GROUPS", "admins")])
        options.dryRun = true
        world.set { $0.answers["/src/bin/import_users --help"] = .exited(0) }
        #expect(install(world, options) == 0)
        #expect(world.output.contains("would create /etc/aws-ec2-ssh.conf"))
        #expect(world.output.contains("    +IAM_AUTHORIZED_GROUPS=\"admins\""))
        #expect(world.fs.changes == [])
    }
}
