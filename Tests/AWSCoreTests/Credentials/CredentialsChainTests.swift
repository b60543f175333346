import TestSupport
import Testing

@testable import AWSCore

@Suite struct CredentialsChainTests {
    static let first = Credentials(accessKeyID: "FIRST", secretAccessKey: "s")
    static let second = Credentials(accessKeyID: "SECOND", secretAccessKey: "s")

    @Test func firstProviderWithCredentialsWins() throws {
        let a = FakeCredentialsProvider("a", .success(.unavailable(reason: "nothing")))
        let b = FakeCredentialsProvider("b", .success(.found(Self.first)))
        let c = FakeCredentialsProvider("c", .success(.found(Self.second)))
        let chain = CredentialsChain(providers: [a, b, c])
        #expect(try chain.credentials() == Self.first)
        #expect([a.calls, b.calls, c.calls] == [1, 1, 0])
    }

    @Test func errorStopsTheChain() {
        let a = FakeCredentialsProvider("a", .failure(.configuration(detail: "broken profile")))
        let b = FakeCredentialsProvider("b", .success(.found(Self.second)))
        #expect(throws: AWSError.configuration(detail: "broken profile")) {
            _ = try CredentialsChain(providers: [a, b]).credentials()
        }
        #expect(b.calls == 0)
    }

    @Test func noCredentialsListsEveryProviderAndReason() {
        let chain = CredentialsChain(providers: [
            FakeCredentialsProvider("environment", .success(.unavailable(reason: "AWS_ACCESS_KEY_ID not set"))),
            FakeCredentialsProvider(
                "profile default (shared files)", .success(.unavailable(reason: "files not found"))),
        ])
        let expected = AWSError.noCredentials(tried: [
            "environment (AWS_ACCESS_KEY_ID not set)", "profile default (shared files) (files not found)",
        ])
        #expect(throws: expected) { _ = try chain.resolve() }
        #expect(
            expected.description
                == "no AWS credentials found; tried: environment (AWS_ACCESS_KEY_ID not set); "
                + "profile default (shared files) (files not found)")
        #expect(
            (try? chain.lookupCredentials())
                == .unavailable(
                    reason: "environment (AWS_ACCESS_KEY_ID not set); profile default (shared files) (files not found)")
        )
    }

    @Test func emptyChainHasNoCredentials() {
        #expect(throws: AWSError.noCredentials(tried: [])) { _ = try CredentialsChain(providers: []).credentials() }
    }

    @Test func standardChainOrder() throws {
        let transport = FakeTransport()
        let clock = FakeClock()
        let imds = IMDSClient(endpoint: "http://127.0.0.1:5104", transport: transport, time: clock)
        let withIMDS = CredentialsChain.standard(
            environment: ["HOME": "/h"], files: MemoryFileSystem.readOnly(), imds: imds, time: clock)
        #expect(
            withIMDS.providers.map(\.name)
                == ["environment", "profile default (shared files)", "instance role (IMDS http://127.0.0.1:5104)"])
        let without = CredentialsChain.standard(
            environment: [:], files: MemoryFileSystem.readOnly(), imds: nil, time: clock)
        #expect(without.providers.map(\.name) == ["environment", "profile default (shared files)"])
        #expect(transport.requests.isEmpty)
    }

    @Test func standardChainPrefersEnvironment() throws {
        let files = MemoryFileSystem.readOnly([
            "/h/.aws/credentials": "[default]\naws_access_key_id = F\naws_secret_access_key = S\n"
        ])
        let chain = CredentialsChain.standard(
            environment: ["HOME": "/h", "AWS_ACCESS_KEY_ID": "E", "AWS_SECRET_ACCESS_KEY": "S"], files: files,
            imds: nil, time: FakeClock())
        #expect(try chain.credentials()?.accessKeyID == "E")
        #expect(files.reads.isEmpty)
    }

    @Test func standardChainFallsBackToInstanceRole() throws {
        let transport = FakeTransport()
        let clock = FakeClock()
        transport.on("PUT", "http://127.0.0.1:5104/latest/api/token", body: "tok")
        transport.on("GET", "http://127.0.0.1:5104/latest/meta-data/iam/security-credentials/", body: "role")
        transport.on(
            "GET", "http://127.0.0.1:5104/latest/meta-data/iam/security-credentials/role",
            body: #"{"Code":"Success","AccessKeyId":"ASIA","SecretAccessKey":"s","Token":"t","#
                + #""Expiration":"2099-01-01T00:00:00Z"}"#)
        let chain = CredentialsChain.standard(
            environment: ["HOME": "/h"], files: MemoryFileSystem.readOnly(),
            imds: IMDSClient(endpoint: "http://127.0.0.1:5104", transport: transport, time: clock), time: clock)
        #expect(try chain.credentials()?.accessKeyID == "ASIA")
    }

    @Test func standardChainBrokenProfileDoesNotReachInstanceRole() {
        let transport = FakeTransport()  // any request would fail the test
        let clock = FakeClock()
        let chain = CredentialsChain.standard(
            environment: ["HOME": "/h", "AWS_PROFILE": "missing"], files: MemoryFileSystem.readOnly(),
            imds: IMDSClient(endpoint: "http://127.0.0.1:5104", transport: transport, time: clock), time: clock)
        #expect(throws: AWSError.self) { _ = try chain.credentials() }
        #expect(transport.requests.isEmpty)
    }

    @Test func standardChainWithNothingExplainsEachSource() {
        let transport = FakeTransport()
        let clock = FakeClock()
        transport.on(
            "PUT", "http://127.0.0.1:5104/latest/api/token", .failure(.transport(detail: "127.0.0.1:5104 refused")))
        let chain = CredentialsChain.standard(
            environment: [:], files: MemoryFileSystem.readOnly(),
            imds: IMDSClient(endpoint: "http://127.0.0.1:5104", transport: transport, time: clock), time: clock)
        #expect {
            _ = try chain.credentials()
        } throws: { error in
            guard case AWSError.noCredentials(let tried) = error, tried.count == 3 else { return false }
            return tried[0] == "environment (AWS_ACCESS_KEY_ID not set)" && tried[1].contains("HOME not set")
                && tried[2].hasPrefix("instance role (IMDS http://127.0.0.1:5104) (metadata service unreachable")
        }
    }
}
