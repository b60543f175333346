import TestSupport
import Testing

@testable import AWSCore

@Suite struct SharedConfigFilesTests {
    @Test func credentialsFileSections() throws {
        let text = """
            # leading comment
            ; another comment
            [default]
            aws_access_key_id=AKIDDEFAULT
            aws_secret_access_key   =   secret default\t
            \t
            [ops]
            aws_access_key_id = AKIDOPS ; inline comment
            aws_secret_access_key = abc#def
            [profile weird]
            region = x
            """
        let profiles = try SharedConfigFiles.parse(text, kind: .credentials, path: "/c")
        #expect(profiles["default"] == ["aws_access_key_id": "AKIDDEFAULT", "aws_secret_access_key": "secret default"])
        #expect(profiles["ops"] == ["aws_access_key_id": "AKIDOPS", "aws_secret_access_key": "abc#def"])
        #expect(profiles["profile weird"] == ["region": "x"])
        #expect(profiles.count == 3)
    }

    @Test func configFileSections() throws {
        let text = """
            [default]
            region = eu-west-1
            [profile ops] # comment after header
            region = us-east-2
            s3 =
              max_concurrent_requests = 20
              region = nested-must-be-ignored
            output = json
            [ops]
            region = ignored-without-profile-prefix
            [sso-session corp]
            sso_region = us-east-1
            [profile   spaced  ]
            region = ap-south-1
            """
        let profiles = try SharedConfigFiles.parse(text, kind: .config, path: "/c")
        #expect(profiles["default"] == ["region": "eu-west-1"])
        #expect(profiles["ops"] == ["region": "us-east-2", "s3": "", "output": "json"])
        #expect(profiles["spaced"] == ["region": "ap-south-1"])
        #expect(profiles.count == 3)
    }

    @Test func indentedPropertiesAndContinuations() throws {
        let text = """
            [default]
              aws_access_key_id = AKID
              aws_secret_access_key = secret
                continued = ignored
            [other]
            k = v
            """
        let profiles = try SharedConfigFiles.parse(text, kind: .credentials, path: "/c")
        #expect(profiles["default"] == ["aws_access_key_id": "AKID", "aws_secret_access_key": "secret"])
        #expect(profiles["other"] == ["k": "v"])
    }

    @Test func profileDefaultInConfigIsDefault() throws {
        let profiles = try SharedConfigFiles.parse("[profile default]\nregion = a\n", kind: .config, path: "/c")
        #expect(profiles["default"] == ["region": "a"])
    }

    @Test func windowsLineEndingsAndRepeatedSections() throws {
        let text = "[a]\r\nk = 1\r\n[b]\r\nk = 2\r\n[a]\r\nk = 3\r\nj = 4\r\n"
        let profiles = try SharedConfigFiles.parse(text, kind: .credentials, path: "/c")
        #expect(profiles["a"] == ["k": "3", "j": "4"])
        #expect(profiles["b"] == ["k": "2"])
    }

    @Test func emptyFile() throws {
        #expect(try SharedConfigFiles.parse("", kind: .credentials, path: "/c").isEmpty)
        #expect(try SharedConfigFiles.parse("\n# only comments\n", kind: .config, path: "/c").isEmpty)
    }

    @Test(arguments: [
        ("[default\nk = v\n", "line 1: section header without ']'"),
        ("k = v\n[default]\n", "line 1: property 'k' before the first [section]"),
        ("[default]\njust words\n", "line 2: expected 'key = value'"),
        ("[default]\n = value\n", "line 2: property without a name"),
        ("[default] trailing\n", "line 1: unexpected text after section header"),
    ])
    func malformedLines(text: String, message: String) {
        #expect {
            _ = try SharedConfigFiles.parse(text, kind: .credentials, path: "/etc/creds")
        } throws: { error in
            guard case AWSError.configuration(let detail) = error else { return false }
            return detail.hasPrefix("/etc/creds ") && detail.contains(message)
        }
    }

    @Test func pathsFromHomeAndOverrides() {
        let home = ["HOME": "/home/u"]
        #expect(SharedConfigFiles.path(home, override: "AWS_CONFIG_FILE", file: "config") == "/home/u/.aws/config")
        #expect(
            SharedConfigFiles.path(["HOME": "/"], override: "AWS_CONFIG_FILE", file: "config") == "/.aws/config")
        #expect(
            SharedConfigFiles.path(
                ["HOME": "/home/u", "AWS_CONFIG_FILE": "~/cfg"], override: "AWS_CONFIG_FILE", file: "config")
                == "/home/u/cfg")
        #expect(
            SharedConfigFiles.path(["AWS_CONFIG_FILE": "/etc/cfg"], override: "AWS_CONFIG_FILE", file: "config")
                == "/etc/cfg")
        #expect(SharedConfigFiles.path([:], override: "AWS_CONFIG_FILE", file: "config") == nil)
        #expect(SharedConfigFiles.path(["HOME": ""], override: "AWS_CONFIG_FILE", file: "config") == nil)
    }

    @Test func loadMergesWithCredentialsWinning() throws {
        let files = MemoryFileSystem.readOnly([
            "/h/.aws/credentials": "[default]\naws_access_key_id = FROMCREDS\n",
            "/h/.aws/config": "[default]\naws_access_key_id = FROMCONFIG\nregion = eu-west-1\n",
        ])
        let shared = try SharedConfigFiles.load(environment: ["HOME": "/h"], files: files)
        #expect(shared.profile("default") == ["aws_access_key_id": "FROMCREDS", "region": "eu-west-1"])
        #expect(shared.profile("missing") == nil)
        #expect(shared.credentialsFileExists && shared.configFileExists)
        #expect(files.reads == ["/h/.aws/credentials", "/h/.aws/config"])
    }

    @Test func loadWithoutHomeReadsNothing() throws {
        let files = MemoryFileSystem.readOnly()
        let shared = try SharedConfigFiles.load(environment: [:], files: files)
        #expect(shared.credentialsPath == nil && shared.configPath == nil)
        #expect(files.reads.isEmpty)
        #expect(shared.describedPaths == "no shared files")
    }

    @Test func unreadableFileIsAnError() {
        let files = MemoryFileSystem.readOnly(["/h/.aws/config": "[default]\n"])
        files.failReads(
            of: "/h/.aws/config", with: AWSError.configuration(detail: "cannot open /h/.aws/config: Permission denied"))
        #expect(throws: AWSError.self) {
            _ = try SharedConfigFiles.load(environment: ["HOME": "/h"], files: files)
        }
    }

    @Test(arguments: [
        ([String: String](), "default", false),
        (["AWS_PROFILE": ""], "default", false),
        (["AWS_PROFILE": "ops"], "ops", true),
    ])
    func profileName(environment: [String: String], name: String, explicit: Bool) {
        #expect(SharedConfigFiles.profileName(environment: environment) == name)
        #expect(SharedConfigFiles.isProfileExplicit(environment: environment) == explicit)
    }
}
