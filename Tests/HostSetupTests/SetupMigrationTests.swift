import EC2SSHCore
import EC2SSHSystem
import HostSetup
import TestSupport
import Testing

/// A migration from the bash tool: all or nothing.
struct SetupMigrationTests {
    static let oldConfig = """
        Include /etc/ssh/sshd_config.d/*.conf
        AuthorizedKeysCommand /opt/authorized_keys_command.sh
        AuthorizedKeysCommandUser nobody

        """

    func bashToolHost() -> SetupWorld {
        let world = SetupWorld()
        world.fs.addFile("/opt/import_users.sh", "#!/bin/bash\naws iam list-users\n", mode: 0o755)
        world.fs.addFile("/opt/authorized_keys_command.sh", "#!/bin/bash\naws iam list-ssh-public-keys\n", mode: 0o755)
        world.fs.addFile("/etc/cron.d/import_users", "*/10 * * * * root /opt/import_users.sh\n")
        world.fs.addFile("/etc/ssh/sshd_config", Self.oldConfig)
        world.fs.addFile("/etc/aws-ec2-ssh.conf", "IAM_AUTHORIZED_GROUPS=\"ssh\"\n")
        world.fs.clearChanges()
        return world
    }

    func migrate(_ world: SetupWorld) -> Int32 {
        SetupInstaller(host: world.host, options: SetupWorld.installOptions(firstImport: true)).run()
    }

    func expectOldToolIntact(_ world: SetupWorld) {
        #expect(world.fs.text("/opt/import_users.sh") != nil)
        #expect(world.fs.text("/etc/cron.d/import_users") == "*/10 * * * * root /opt/import_users.sh\n")
        #expect(world.fs.text("/etc/ssh/sshd_config") == Self.oldConfig)
        #expect(world.fs.node("/usr/local/sbin/import_users") == nil)
        #expect(
            world.fs.node("/var/lib/aws-ec2-ssh") == nil || world.commandLines.contains { $0.hasPrefix("/bin/rm -r") })
    }

    @Test func successfulMigrationRetiresTheBashTool() {
        let world = bashToolHost()
        #expect(migrate(world) == 0)
        #expect(
            world.commandLines.contains { $0.hasPrefix("/src/bin/import_users check --config /run/aws-ec2-ssh-setup/") }
        )
        #expect(world.commandLines.contains("/usr/local/sbin/import_users --adopt-legacy-accounts"))
        #expect(world.fs.node("/opt/import_users.sh") == nil)
        #expect(world.fs.text("/var/lib/aws-ec2-ssh/migrated-from-bash-tool/_opt_import_users.sh") != nil)
        #expect(
            world.fs.text("/etc/ssh/sshd_config")?.contains("#aws-ec2-ssh-migrated# AuthorizedKeysCommand /opt/")
                == true)
    }

    @Test func failedPermissionCheckChangesNothing() {
        let world = bashToolHost()
        world.set { $0.checkStatus = 1 }
        #expect(migrate(world) == 1)
        #expect(world.output.contains("missing iam:ListGroupsForUser"))
        #expect(world.output.contains("the bash tool keeps working"))
        #expect(world.fs.changes.allSatisfy { $0.path.contains("/run/aws-ec2-ssh-setup") })
        expectOldToolIntact(world)
    }

    @Test func failedFirstImportRollsEverythingBack() {
        let world = bashToolHost()
        world.set { $0.importStatus = 3 }
        #expect(migrate(world) == 1)
        #expect(world.output.contains("the bash tool is left as it was"))
        expectOldToolIntact(world)
        #expect(world.commandLines.contains("/bin/rm -r --one-file-system -- /var/lib/aws-ec2-ssh"))
    }

    @Test func migrationWithoutFirstImportLeavesTheAdoptionPending() throws {
        let world = bashToolHost()
        let status = SetupInstaller(host: world.host, options: SetupWorld.installOptions(firstImport: false)).run()
        #expect(status == 0)
        let marker = try #require(world.fs.node("/var/lib/aws-ec2-ssh/" + LegacyAdoption.markerFileName))
        #expect(marker.mode == 0o600 && marker.uid == 0)
        #expect(marker.text.contains("setup install --no-first-import"))
        #expect(!world.commandLines.contains { $0.contains("import_users") })
        #expect(world.output.contains("the next import adopts the bash tool's accounts"))
    }

    @Test func shellInTheOldConfigurationStopsBeforeAnyChange() {
        let world = bashToolHost()
        world.fs.addFile("/etc/aws-ec2-ssh.conf", "A=1\nSUDOERS_GROUPS=\"$(cat /etc/x)\"\n")
        world.fs.clearChanges()
        #expect(migrate(world) == 1)
        #expect(world.output.contains("/etc/aws-ec2-ssh.conf:2:"))
        #expect(world.output.contains("Rewrite that line"))
        #expect(world.fs.changes == [])
        #expect(!world.commandLines.contains { $0.contains(" check ") || $0.contains("useradd") })
    }
}
