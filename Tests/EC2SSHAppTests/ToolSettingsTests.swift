import EC2SSH
import EC2SSHSystem
import Testing

@testable import EC2SSHApp

/// A filesystem holding only the files a test gives it; anything else it is asked is a test failure.
struct MemoryFileSystem: FileSystem {
    var files: [String: [UInt8]] = [:]

    func readFile(_ path: String) throws -> [UInt8]? { files[path] }
    func writeFileAtomically(_ path: String, contents: [UInt8], mode: UInt32, owner: FileOwner?) throws {
        Issue.record("unexpected write of \(path)")
    }
    func removeFile(_ path: String) throws { Issue.record("unexpected removal of \(path)") }
    func listDirectory(_ path: String) throws -> [String] {
        Issue.record("unexpected listing of \(path)")
        return []
    }
    func createDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws {
        Issue.record("unexpected mkdir \(path)")
    }
    func status(_ path: String) throws -> FileStatus? {
        Issue.record("unexpected stat of \(path)")
        return nil
    }
}

@Suite struct ToolSettingsTests {
    @Test func missingFileGivesDefaultsAndAWarning() throws {
        let settings = try ToolSettings.load(
            path: "/etc/aws-ec2-ssh.conf", fileSystem: MemoryFileSystem(), environment: ["HOME": "/root"])
        #expect(settings.configuration == Configuration())
        #expect(settings.warnings.count == 1)
        #expect(settings.environment == ["HOME": "/root"])
    }

    @Test func anExplicitlyNamedMissingFileIsAnError() {
        #expect {
            _ = try ToolSettings.load(
                path: "/nonexistent.conf", fileSystem: MemoryFileSystem(), environment: [:], explicit: true)
        } throws: { error in
            "\(error)".hasPrefix("/nonexistent.conf: the configuration file named with --config does not exist")
        }
    }

    @Test func fileEnvironmentLinesOverrideTheProcessEnvironment() throws {
        let text = "AWS_REGION=\"eu-west-1\"\nHTTPS_PROXY=\"http://proxy:3128\"\nLOCAL_GROUPS=\"docker\"\n"
        let settings = try ToolSettings.load(
            path: "/c", fileSystem: MemoryFileSystem(files: ["/c": Array(text.utf8)]),
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
                path: "/c", fileSystem: MemoryFileSystem(files: ["/c": Array(text.utf8)]), environment: [:])
        } throws: { error in
            "\(error)".hasPrefix(location)
        }
    }

    @Test func nonUTF8IsRejected() {
        #expect(throws: EC2SSHError.self) {
            _ = try ToolSettings.load(
                path: "/c", fileSystem: MemoryFileSystem(files: ["/c": [0x41, 0xff, 0xfe]]), environment: [:])
        }
    }
}
