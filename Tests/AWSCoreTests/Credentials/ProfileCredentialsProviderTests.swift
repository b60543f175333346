import TestSupport
import Testing

@testable import AWSCore

@Suite struct ProfileCredentialsProviderTests {
    let home = ["HOME": "/h"]
    let credentialsPath = "/h/.aws/credentials"
    let configPath = "/h/.aws/config"

    private func lookup(_ environment: [String: String], _ files: [String: String]) throws -> CredentialsLookup {
        try ProfileCredentialsProvider(environment: environment, files: MemoryFileSystem.readOnly(files))
            .lookupCredentials()
    }

    private func configurationError(_ environment: [String: String], _ files: [String: String]) -> String? {
        do {
            _ = try lookup(environment, files)
            return nil
        } catch AWSError.configuration(let detail) {
            return detail
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func defaultProfileFromCredentialsFile() throws {
        let result = try lookup(
            home,
            [
                credentialsPath:
                    "[default]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\naws_session_token = TOKEN\n"
            ])
        #expect(result == .found(Credentials(accessKeyID: "AKID", secretAccessKey: "SECRET", sessionToken: "TOKEN")))
    }

    @Test func namedProfileFromConfigFile() throws {
        let environment = home.merging(["AWS_PROFILE": "ops"]) { $1 }
        let result = try lookup(
            environment,
            [configPath: "[profile ops]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\n"])
        #expect(result == .found(Credentials(accessKeyID: "AKID", secretAccessKey: "SECRET")))
    }

    @Test func credentialsFileWinsOverConfigFile() throws {
        let result = try lookup(
            home,
            [
                credentialsPath: "[default]\naws_access_key_id = FROMCREDS\naws_secret_access_key = S1\n",
                configPath: "[default]\naws_access_key_id = FROMCONFIG\naws_secret_access_key = S2\n",
            ])
        #expect(result == .found(Credentials(accessKeyID: "FROMCREDS", secretAccessKey: "S1")))
    }

    @Test func explicitPathsWithoutHome() throws {
        let environment = ["AWS_SHARED_CREDENTIALS_FILE": "/etc/aws/creds", "AWS_CONFIG_FILE": "/etc/aws/config"]
        let result = try lookup(
            environment, ["/etc/aws/creds": "[default]\naws_access_key_id = A\naws_secret_access_key = B\n"])
        #expect(result == .found(Credentials(accessKeyID: "A", secretAccessKey: "B")))
    }

    @Test func noHomeAndNoPathsHasNothing() throws {
        let files = MemoryFileSystem.readOnly()
        let provider = ProfileCredentialsProvider(environment: [:], files: files)
        guard case .unavailable(let reason) = try provider.lookupCredentials() else {
            Issue.record("expected no credentials")
            return
        }
        #expect(reason.contains("HOME not set"))
        #expect(files.reads.isEmpty)
        #expect(try provider.credentials() == nil)
    }

    @Test func missingFilesHaveNothing() throws {
        #expect(try lookup(home, [:]) == .unavailable(reason: "\(credentialsPath) and \(configPath) not found"))
    }

    @Test func missingDefaultProfileHasNothing() throws {
        #expect(
            try lookup(home, [credentialsPath: "[other]\naws_access_key_id = A\naws_secret_access_key = B\n"])
                == .unavailable(reason: "no profile 'default' in \(credentialsPath) and \(configPath)"))
    }

    @Test func profileWithoutKeysHasNothing() throws {
        #expect(
            try lookup(home, [configPath: "[default]\nregion = eu-west-1\n"])
                == .unavailable(reason: "profile 'default' has no aws_access_key_id"))
    }

    @Test func unknownNamedProfileIsAnError() throws {
        let detail = try #require(
            configurationError(
                home.merging(["AWS_PROFILE": "nope"]) { $1 },
                [credentialsPath: "[default]\naws_access_key_id = A\naws_secret_access_key = B\n"]))
        #expect(detail.contains("AWS_PROFILE names profile 'nope'"))
        #expect(detail.contains(credentialsPath))
    }

    @Test func unknownNamedProfileWithoutFilesIsAnError() throws {
        let detail = try #require(configurationError(home.merging(["AWS_PROFILE": "nope"]) { $1 }, [:]))
        #expect(detail.contains("'nope'"))
    }

    @Test(arguments: [
        ("aws_access_key_id = A\n", "sets aws_access_key_id but not aws_secret_access_key"),
        ("aws_secret_access_key = B\n", "sets aws_secret_access_key but not aws_access_key_id"),
        ("aws_access_key_id = A\naws_secret_access_key =\n", "sets aws_access_key_id but not aws_secret_access_key"),
    ])
    func partialKeysAreAnError(body: String, message: String) throws {
        let detail = try #require(configurationError(home, [credentialsPath: "[default]\n" + body]))
        #expect(detail.contains(message))
    }

    @Test(arguments: [
        "role_arn = arn:aws:iam::123456789012:role/x\nsource_profile = base",
        "credential_process = /usr/bin/get-creds",
        "sso_session = corp",
        "sso_start_url = https://corp.awsapps.com/start",
        "web_identity_token_file = /var/token",
    ])
    func unsupportedProfileTypesAreAnError(setting: String) throws {
        let body = "[default]\naws_access_key_id = A\naws_secret_access_key = B\n" + setting + "\n"
        let detail = try #require(configurationError(home, [configPath: body]))
        let name = String(setting.prefix { $0 != " " })
        #expect(detail.contains("uses \(name)"))
        #expect(detail.contains("not support"))
        #expect(detail.contains("ASSUMEROLE"))
    }

    @Test func brokenFileIsAnError() throws {
        let detail = try #require(configurationError(home, [configPath: "[default\n"]))
        #expect(detail.contains(configPath))
    }

    @Test func nameNamesTheProfile() {
        let provider = ProfileCredentialsProvider(
            environment: ["AWS_PROFILE": "ops"], files: MemoryFileSystem.readOnly())
        #expect(provider.name == "profile ops (shared files)")
    }
}
