import TestSupport
import Testing

@testable import AWSCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct InstanceRoleCredentialsProviderTests {
    static let base = "http://127.0.0.1:5104"
    let transport = FakeTransport()
    let clock = FakeClock()

    func makeProvider(store: (any CredentialsStore)? = nil) -> InstanceRoleCredentialsProvider {
        InstanceRoleCredentialsProvider(
            imds: IMDSClient(endpoint: Self.base, transport: transport, time: clock), time: clock, store: store)
    }

    /// Queues the two GETs that return credentials `keyID` valid for `lifetime` seconds from the fake now.
    func serveRole(_ keyID: String, lifetime: Double) {
        let expiry = IMDSTimestamp.format(clock.now().addingTimeInterval(lifetime))
        transport.on("GET", Self.base + "/latest/meta-data/iam/security-credentials/", body: "role")
        transport.on(
            "GET", Self.base + "/latest/meta-data/iam/security-credentials/role",
            body: #"{"Code":"Success","AccessKeyId":"\#(keyID)","SecretAccessKey":"s","Token":"t","#
                + #""Expiration":"\#(expiry)"}"#)
    }

    func serveToken() {
        transport.on("PUT", Self.base + "/latest/api/token", body: "tok")
    }

    @Test func cachesUntilFiveMinutesBeforeExpiry() throws {
        let provider = makeProvider()
        serveToken()
        serveRole("ASIA1", lifetime: 3_600)
        #expect(try provider.credentials()?.accessKeyID == "ASIA1")
        clock.advance(by: 3_600 - 301)
        #expect(try provider.credentials()?.accessKeyID == "ASIA1")
        #expect(transport.requests.count == 3)
        clock.advance(by: 2)  // 299 s left: refresh (the IMDS token has expired too)
        serveToken()
        serveRole("ASIA2", lifetime: 3_600)
        #expect(try provider.credentials()?.accessKeyID == "ASIA2")
        #expect(transport.requests.count == 6)
    }

    @Test func failedRefreshKeepsStillValidCredentials() throws {
        let provider = makeProvider()
        serveToken()
        serveRole("ASIA1", lifetime: 3_600)
        _ = try provider.credentials()
        clock.advance(by: 3_400)
        serveToken()
        transport.on(
            "GET", Self.base + "/latest/meta-data/iam/security-credentials/",
            .response(HTTPResponse(status: 500, body: Array("busy".utf8))))
        #expect(try provider.credentials()?.accessKeyID == "ASIA1")
        clock.advance(by: 300)  // now expired: the failure must surface
        serveToken()
        transport.on(
            "GET", Self.base + "/latest/meta-data/iam/security-credentials/",
            .response(HTTPResponse(status: 500, body: Array("busy".utf8))))
        #expect(throws: AWSError.self) { _ = try provider.credentials() }
    }

    @Test func noRoleMeansNoCredentials() throws {
        serveToken()
        transport.on("GET", Self.base + "/latest/meta-data/iam/security-credentials/", status: 404, body: "")
        let provider = makeProvider()
        #expect(try provider.lookupCredentials() == .unavailable(reason: "no IAM role attached to this instance"))
        #expect(provider.name == "instance role (IMDS \(Self.base))")
    }

    @Test func aRefusedConnectionMeansNoCredentials() throws {
        transport.on("PUT", Self.base + "/latest/api/token", .failure(.transport(detail: "127.0.0.1:5104 refused")))
        guard case .unavailable(let reason) = try makeProvider().lookupCredentials() else {
            Issue.record("expected no credentials")
            return
        }
        #expect(reason.contains("unreachable"))
        #expect(reason.contains("127.0.0.1:5104"))
    }

    /// A metadata service that accepts connections but never answers is an unreachable AWS (retryable, so the key
    /// command's stale-cache rules apply), not "no credentials", which is final.
    @Test func aMetadataServiceThatDoesNotAnswerIsATransientError() throws {
        transport.on("PUT", Self.base + "/latest/api/token", .failure(.timeout(detail: "127.0.0.1:5104 after 1 s")))
        let error = try #require(throws: AWSError.self) { try makeProvider().lookupCredentials() }
        guard case .timeout(let detail) = error else {
            Issue.record("expected AWSError.timeout, got \(error)")
            return
        }
        #expect(error.isRetryable)
        #expect(detail.contains("instance metadata service \(Self.base)") && detail.contains("after 1 s"))
        let chain = CredentialsChain(providers: [makeProvider()])
        transport.on("PUT", Self.base + "/latest/api/token", .failure(.timeout(detail: "again")))
        #expect(throws: AWSError.self) { try chain.resolve() }
    }

    @Test func storedCredentialsServeANewProcessWithoutAnyIMDSRequest() throws {
        let store = MemoryCredentialsStore()
        serveToken()
        serveRole("ASIA1", lifetime: 3_600)
        #expect(try makeProvider(store: store).credentials()?.accessKeyID == "ASIA1")
        #expect(store.saves.map(\.accessKeyID) == ["ASIA1"])
        #expect(transport.requests.count == 3)
        // The next login is a new process: a new provider over the same store.
        #expect(try makeProvider(store: store).credentials()?.accessKeyID == "ASIA1")
        #expect(transport.requests.count == 3)
    }

    @Test func storedCredentialsAboutToExpireAreRefreshed() throws {
        let store = MemoryCredentialsStore(
            Credentials(
                accessKeyID: "ASIAOLD", secretAccessKey: "s", sessionToken: "t",
                expiration: clock.now().addingTimeInterval(299)))
        serveToken()
        serveRole("ASIA2", lifetime: 3_600)
        #expect(try makeProvider(store: store).credentials()?.accessKeyID == "ASIA2")
        #expect(store.saves.map(\.accessKeyID) == ["ASIA2"])
    }

    @Test func storedStillValidCredentialsBridgeAHangingMetadataService() throws {
        let store = MemoryCredentialsStore(
            Credentials(
                accessKeyID: "ASIAOLD", secretAccessKey: "s", sessionToken: "t",
                expiration: clock.now().addingTimeInterval(120)))
        transport.on("PUT", Self.base + "/latest/api/token", .failure(.timeout(detail: "hang")))
        #expect(try makeProvider(store: store).credentials()?.accessKeyID == "ASIAOLD")
    }

    @Test func longTermOrExpiredStoredCredentialsAreNeverUsed() throws {
        let store = MemoryCredentialsStore(
            Credentials(
                accessKeyID: "ASIAOLD", secretAccessKey: "s", sessionToken: "t",
                expiration: clock.now().addingTimeInterval(-1)))
        transport.on("PUT", Self.base + "/latest/api/token", .failure(.timeout(detail: "hang")))
        #expect(throws: AWSError.self) { try makeProvider(store: store).credentials() }
        let longTerm = MemoryCredentialsStore(Credentials(accessKeyID: "AKIA", secretAccessKey: "s"))
        transport.on("PUT", Self.base + "/latest/api/token", .failure(.timeout(detail: "hang")))
        #expect(throws: AWSError.self) { try makeProvider(store: longTerm).credentials() }
    }

    @Test func malformedAnswerIsThrown() {
        serveToken()
        transport.on("GET", Self.base + "/latest/meta-data/iam/security-credentials/", body: "role")
        transport.on("GET", Self.base + "/latest/meta-data/iam/security-credentials/role", body: "{")
        #expect {
            _ = try makeProvider().credentials()
        } throws: { error in
            guard case AWSError.malformedResponse = error else { return false }
            return true
        }
    }

    @Test func concurrentCallersShareTheCache() async throws {
        let provider = makeProvider()
        serveToken()
        serveRole("ASIA1", lifetime: 3_600)
        _ = try provider.credentials()
        try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<16 {
                group.addTask { try provider.credentials()?.accessKeyID }
            }
            for try await keyID in group {
                #expect(keyID == "ASIA1")
            }
        }
        #expect(transport.requests.count == 3)
    }
}

/// Formats dates the way IMDS writes `Expiration`, for building test answers.
enum IMDSTimestamp {
    static func format(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970)
        let stamp = SigV4Signer.timestamp(Date(timeIntervalSince1970: Double(seconds)))  // YYYYMMDDTHHMMSSZ
        let c = Array(stamp)
        return String(c[0..<4]) + "-" + String(c[4..<6]) + "-" + String(c[6..<8]) + "T" + String(c[9..<11]) + ":"
            + String(c[11..<13]) + ":" + String(c[13..<15]) + "Z"
    }
}
