import EC2SSHCore
import EC2SSHSystem
import Testing

@testable import EC2SSHShared
@testable import TestSupport

@Suite struct ToolSettingsTests {
    @Test func missingFileGivesDefaultsAndAWarning() throws {
        let settings = try ToolSettings.load(
            path: "/etc/aws-ec2-ssh.conf", fileSystem: MemoryFileSystem.readOnly(), environment: ["HOME": "/root"])
        #expect(settings.configuration == Configuration())
        #expect(settings.warnings.count == 1)
        #expect(settings.environment == ["HOME": "/root"])
    }

    @Test func anExplicitlyNamedMissingFileIsAnError() {
        #expect {
            _ = try ToolSettings.load(
                path: "/nonexistent.conf", fileSystem: MemoryFileSystem.readOnly(), environment: [:], explicit: true)
        } throws: { error in
            "\(error)".hasPrefix("/nonexistent.conf: the configuration file named with --config does not exist")
        }
    }

    @Test func fileEnvironmentLinesOverrideTheProcessEnvironment() throws {
        let text = "AWS_REGION=\"eu-west-1\"\nHTTPS_PROXY=\"http://proxy:3128\"\nLOCAL_GROUPS=\"docker\"\n"
        let settings = try ToolSettings.load(
            path: "/c", fileSystem: MemoryFileSystem.readOnly(["/c": text]),
            environment: ["AWS_REGION": "us-east-1", "PATH": "/bin"])
        #expect(
            settings.environment == ["AWS_REGION": "eu-west-1", "HTTPS_PROXY": "http://proxy:3128", "PATH": "/bin"])
        #expect(settings.configuration.localGroups == ["docker"])
    }

    @Test(arguments: [
        ("IAM_AUTHORIZED_GROUPS=$(id)\n", "/c:1"),
        ("\n\nUID_RANGE=\"5-1\"\n", "/c:3"),
    ])
    func invalidFilesNameTheLine(text: String, location: String) {
        #expect {
            _ = try ToolSettings.load(
                path: "/c", fileSystem: MemoryFileSystem.readOnly(["/c": text]), environment: [:])
        } throws: { error in
            "\(error)".hasPrefix(location)
        }
    }

    @Test func nonUTF8IsRejected() {
        let fileSystem = MemoryFileSystem.readOnly()
        fileSystem.addFile("/c", [0x41, 0xff, 0xfe])
        #expect(throws: EC2SSHError.self) {
            _ = try ToolSettings.load(path: "/c", fileSystem: fileSystem, environment: [:])
        }
    }

    static let conf = "/etc/aws-ec2-ssh.conf"

    /// import_users runs the programs its configuration names as root: the file must be root's and writable only
    /// by root, like the key command demands.
    @Test(arguments: [
        (UInt32(0o666), UInt32(0), "lets the group or others write"),
        (0o664, 0, "lets the group or others write"),
        (0o602, 0, "lets the group or others write"),
        (0o644, 1000, "owned by UID 1000"),
        (0o600, 1000, "owned by UID 1000"),
    ])
    func anUnsafeConfigurationIsRefusedWhenOnlyRootIsTrusted(mode: UInt32, owner: UInt32, problem: String) throws {
        let fileSystem = MemoryFileSystem(directories: ["/etc"])
        try fileSystem.writeFileAtomically(
            Self.conf, contents: Array("USERADD_PROGRAM=\"/tmp/evil\"\n".utf8), mode: mode,
            owner: FileOwner(uid: owner, gid: 0))
        #expect {
            _ = try ToolSettings.load(path: Self.conf, fileSystem: fileSystem, environment: [:], trustedOwners: [0])
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix(Self.conf) && text.contains(problem) && text.contains("chmod go-w")
        }
    }

    @Test func aSymlinkedConfigurationIsRefused() throws {
        let fileSystem = MemoryFileSystem(directories: ["/etc"])
        fileSystem.add(Self.conf, .init(type: .symbolicLink, mode: 0o777, uid: 0, gid: 0))
        #expect(throws: EC2SSHError.self) {
            _ = try ToolSettings.load(path: Self.conf, fileSystem: fileSystem, environment: [:], trustedOwners: [0])
        }
    }

    @Test(arguments: [UInt32(0o644), 0o600, 0o444])
    func aRootOwnedConfigurationOnlyRootCanWriteIsRead(mode: UInt32) throws {
        let fileSystem = MemoryFileSystem(directories: ["/etc"])
        try fileSystem.writeFileAtomically(
            Self.conf, contents: Array("LOCAL_GROUPS=\"docker\"\n".utf8), mode: mode, owner: .root)
        let settings = try ToolSettings.load(
            path: Self.conf, fileSystem: fileSystem, environment: [:], trustedOwners: [0])
        #expect(settings.configuration.localGroups == ["docker"])
        let missing = try ToolSettings.load(
            path: "/etc/missing.conf", fileSystem: fileSystem, environment: [:], trustedOwners: [0])
        #expect(missing.configuration == Configuration())
    }
}
