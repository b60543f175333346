import TestSupport
import Testing

@testable import AWSCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct AssumeRoleCredentialsProviderTests {
    static let arn = "arn:aws:iam::123456789012:role/ssh-users"
    let clock = FakeClock()
    let assumer = FakeRoleAssumer()

    func temporary(_ keyID: String, lifetime: Double) -> Credentials {
        Credentials(
            accessKeyID: keyID, secretAccessKey: "s", sessionToken: "t",
            expiration: clock.now().addingTimeInterval(lifetime))
    }

    func makeProvider(store: (any CredentialsStore)? = nil, arn: String = arn) -> AssumeRoleCredentialsProvider {
        AssumeRoleCredentialsProvider(
            roleARN: arn, sessionName: "aws-ec2-ssh-i-1", assumer: assumer, time: clock, store: store)
    }

    @Test func cachesUntilFiveMinutesBeforeExpiry() throws {
        let provider = makeProvider()
        assumer.reply(.success(temporary("ASIA1", lifetime: 3_600)))
        #expect(try provider.credentials()?.accessKeyID == "ASIA1")
        clock.advance(by: 3_299)
        #expect(try provider.credentials()?.accessKeyID == "ASIA1")
        #expect(assumer.calls == ["\(Self.arn)|aws-ec2-ssh-i-1"])
        clock.advance(by: 2)
        assumer.reply(.success(temporary("ASIA2", lifetime: 3_600)))
        #expect(try provider.credentials()?.accessKeyID == "ASIA2")
        #expect(assumer.calls.count == 2)
    }

    @Test func freshStoredCredentialsAvoidSTS() throws {
        let store = MemoryCredentialsStore(temporary("STORED", lifetime: 1_800))
        let provider = makeProvider(store: store)
        #expect(try provider.credentials()?.accessKeyID == "STORED")
        #expect(try provider.credentials()?.accessKeyID == "STORED")
        #expect(assumer.calls.isEmpty)
        #expect(store.loads == 1)
        #expect(store.saves.isEmpty)
    }

    @Test(arguments: [-10.0, 0, 299, 300])
    func staleStoredCredentialsAreIgnored(lifetime: Double) throws {
        let store = MemoryCredentialsStore(temporary("STORED", lifetime: lifetime))
        let provider = makeProvider(store: store)
        let fresh = temporary("ASIA1", lifetime: 3_600)
        assumer.reply(.success(fresh))
        #expect(try provider.credentials()?.accessKeyID == "ASIA1")
        #expect(store.saves == [fresh])
    }

    @Test func storedCredentialsWithoutExpiryAreIgnored() throws {
        let store = MemoryCredentialsStore(Credentials(accessKeyID: "LONG", secretAccessKey: "s"))
        assumer.reply(.success(temporary("ASIA1", lifetime: 3_600)))
        #expect(try makeProvider(store: store).credentials()?.accessKeyID == "ASIA1")
    }

    @Test func stsFailureWithoutCacheIsThrown() {
        let error = AWSError.service(code: "AccessDenied", message: "not allowed", requestID: "r", status: 403)
        assumer.reply(.failure(error))
        let store = MemoryCredentialsStore()
        #expect(throws: error) { _ = try makeProvider(store: store).credentials() }
        #expect(store.saves.isEmpty)
    }

    @Test func stsFailureKeepsStillValidCredentials() throws {
        let provider = makeProvider()
        assumer.reply(.success(temporary("ASIA1", lifetime: 3_600)))
        _ = try provider.credentials()
        clock.advance(by: 3_400)
        assumer.reply(.failure(.timeout(detail: "sts")))
        #expect(try provider.credentials()?.accessKeyID == "ASIA1")
        clock.advance(by: 300)
        assumer.reply(.failure(.timeout(detail: "sts")))
        #expect(throws: AWSError.timeout(detail: "sts")) { _ = try provider.credentials() }
    }

    @Test(arguments: [
        "", "ssh-users", "arn:aws:iam::123456789012:user/bob", "arn:aws:s3:::bucket", "arn:aws:iam::1:role/",
    ])
    func invalidRoleARN(arn: String) {
        #expect {
            _ = try makeProvider(arn: arn).credentials()
        } throws: { error in
            guard case AWSError.configuration(let detail) = error else { return false }
            return detail.contains("ASSUMEROLE")
        }
        #expect(assumer.calls.isEmpty)
    }

    @Test(arguments: [
        "arn:aws:iam::123456789012:role/ssh-users", "arn:aws-cn:iam::123456789012:role/path/to/role",
        "arn:aws-us-gov:iam::123456789012:role/r",
    ])
    func validRoleARN(arn: String) throws {
        try AssumeRoleCredentialsProvider.validate(roleARN: arn)
    }

    @Test(arguments: [
        ("i-0123abcd", "aws-ec2-ssh-i-0123abcd"),
        ("web-1.example.com", "aws-ec2-ssh-web-1.example.com"),
        ("host name/with:odd*chars", "aws-ec2-ssh-host-name-with-odd-chars"),
        ("héllo", "aws-ec2-ssh-h-llo"),
        ("", "aws-ec2-ssh"),
        (String(repeating: "a", count: 100), "aws-ec2-ssh-" + String(repeating: "a", count: 52)),
    ])
    func sessionName(host: String, expected: String) {
        let name = AssumeRoleCredentialsProvider.sessionName(for: host)
        #expect(name == expected)
        #expect((2...64).contains(name.count))
    }

    @Test func name() {
        #expect(makeProvider().name == "assume role \(Self.arn)")
    }
}
