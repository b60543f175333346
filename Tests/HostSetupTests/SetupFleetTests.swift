import EC2SSHCore
import EC2SSHSystem
import HostSetup
import TestSupport
import Testing

/// The installation's fleet options: the pinned snapshot key and the publisher's schedule.
struct SetupFleetTests {
    static let pem =
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAExZtWvqClJ6ZxAXkzo4gumLu0iLMo\n"
        + "INb1bm7heXylBhIv2On/Kl+/bfL16hyUDn5WHUbKo0b6V4KOhKRtYua/UA==\n-----END PUBLIC KEY-----\n"
    static let fleetSettings = [
        ("SNAPSHOT_URL", "s3://fleet-bucket/aws-ec2-ssh/snapshot"), ("SNAPSHOT_KMS_KEY_ID", "alias/aws-ec2-ssh"),
    ]

    func options(
        _ settings: [(String, String)] = [], publisher: Bool? = nil, key: String? = nil, timer: SetupTimer = .cron
    ) -> InstallOptions {
        var options = SetupWorld.installOptions(settings)
        options.publisher = publisher
        options.snapshotPublicKey = key
        options.timer = timer
        return options
    }

    func install(_ world: SetupWorld, _ options: InstallOptions) -> Int32 {
        SetupInstaller(host: world.host, options: options).run()
    }

    @Test func pinsTheSnapshotKeyAndSetsIt() {
        let world = SetupWorld()
        world.fs.addFile("/root/snapshot.pem", Self.pem.replacing("\n", with: "\r\n"))
        let settings = [("SNAPSHOT_URL", "s3://fleet-bucket/aws-ec2-ssh/snapshot")]
        #expect(install(world, options(settings, key: "/root/snapshot.pem")) == 0)
        #expect(world.fs.node("/etc/aws-ec2-ssh/snapshot.pem") == .file(Self.pem, mode: 0o644, owner: .root))
        let config = world.fs.text("/etc/aws-ec2-ssh.conf") ?? ""
        #expect(config.contains("SNAPSHOT_PUBLIC_KEY=\"/etc/aws-ec2-ssh/snapshot.pem\""))
        #expect(config.contains("SNAPSHOT_URL=\"s3://fleet-bucket/aws-ec2-ssh/snapshot\""))
        #expect(world.fs.text("/etc/cron.d/aws-ec2-ssh-publish") == nil)
    }

    @Test(arguments: [
        ("/root/missing.pem", nil, "no such file"),
        ("/root/bad.pem", "-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----\n", "not valid base64"),
    ])
    func refusesABadKeyBeforeAnyChange(path: String, contents: String?, message: String) {
        let world = SetupWorld()
        if let contents { world.fs.addFile(path, contents) }
        world.fs.clearChanges()
        #expect(install(world, options(key: path)) == 2)
        #expect(world.output.contains(message))
        #expect(world.fs.changes == [])
    }

    @Test func publisherGetsItsCronFile() {
        let world = SetupWorld()
        #expect(install(world, options(Self.fleetSettings, publisher: true)) == 0)
        #expect(
            world.fs.node("/etc/cron.d/aws-ec2-ssh-publish")
                == .file(
                    "# publish\n*/2 * * * * root /usr/local/sbin/import_users publish\n", mode: 0o644, owner: .root))
        #expect(world.output.contains("publishes the fleet snapshot every 2 minutes"))
        // Run again without the flag: the role is kept and nothing is written.
        world.fs.clearChanges()
        #expect(install(world, options()) == 0)
        #expect(world.fs.writes == [])
        #expect(world.fs.text("/etc/cron.d/aws-ec2-ssh-publish") != nil)
        // --no-publisher takes it away and leaves the import's schedule.
        #expect(install(world, options(publisher: false)) == 0)
        #expect(world.fs.text("/etc/cron.d/aws-ec2-ssh-publish") == nil)
        #expect(world.fs.text("/etc/cron.d/import_users") != nil)
    }

    @Test func publisherUnderSystemdGetsItsTimer() {
        let world = SetupWorld()
        world.enableSystemd()
        #expect(install(world, options(Self.fleetSettings, publisher: true, timer: .systemd)) == 0)
        #expect(world.fs.text("/etc/systemd/system/aws-ec2-ssh-publish.timer") == "[Timer]\n")
        #expect(world.fs.text("/etc/systemd/system/aws-ec2-ssh-publish.service")?.contains("publish") == true)
        #expect(world.commandLines.contains("/usr/bin/systemctl enable --now aws-ec2-ssh-publish.timer"))
        #expect(world.fs.text("/etc/cron.d/aws-ec2-ssh-publish") == nil)
    }

    @Test(arguments: [
        ([(String, String)](), "SNAPSHOT_URL and SNAPSHOT_KMS_KEY_ID"),
        ([("SNAPSHOT_URL", "s3://fleet-bucket/k")], "SNAPSHOT_KMS_KEY_ID"),
    ])
    func publisherNeedsURLAndKey(settings: [(String, String)], message: String) {
        let world = SetupWorld()
        world.fs.clearChanges()
        #expect(install(world, options(settings, publisher: true)) == 2)
        #expect(world.output.contains("--publisher needs \(message)"))
        #expect(world.fs.changes == [])
    }

    @Test func uninstallRemovesTheFleetFiles() {
        let world = SetupWorld()
        world.fs.addFile("/root/snapshot.pem", Self.pem)
        #expect(install(world, options(Self.fleetSettings, publisher: true, key: "/root/snapshot.pem")) == 0)
        let status = SetupUninstaller(host: world.host, options: UninstallOptions()).run()
        #expect(status == 0)
        #expect(world.fs.text("/etc/cron.d/aws-ec2-ssh-publish") == nil)
        #expect(world.fs.text("/etc/aws-ec2-ssh/snapshot.pem") == nil)
        #expect(world.commandLines.contains("/usr/bin/rmdir -- /etc/aws-ec2-ssh"))
    }
}
