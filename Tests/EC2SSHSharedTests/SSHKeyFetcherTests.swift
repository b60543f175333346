import AWSCore
import EC2SSHCore
import Testing

@testable import EC2SSHShared
@testable import TestSupport

@Suite struct KeyCommandFetcherTests {
    static let throttled = AWSError.service(code: "Throttling", message: "Rate exceeded", requestID: "r", status: 400)
    static let denied = AWSError.service(code: "AccessDenied", message: "no", requestID: "r", status: 403)

    func keys(_ outcome: SSHKeyFetcher.Outcome) -> [String] {
        guard case .keys(let keys, _) = outcome else { return [] }
        return keys.map(\.key.line)
    }

    @Test func onlyActiveKeysAreFetchedWithOneGetEach() throws {
        let iam = FakeIAMKeys()
        iam.setKeys(
            "alice",
            [
                .init(id: "K1", body: TestKeys.ed25519), .init(id: "K2", body: TestKeys.ecdsa, status: .inactive),
                .init(id: "K3", body: TestKeys.second),
                .init(id: "K4", body: TestKeys.second, status: .other("X")),
            ])
        let outcome = try SSHKeyFetcher(iam: iam, authorizedGroups: []).fetch(iamUserName: "alice")
        #expect(keys(outcome) == [TestKeys.ed25519, TestKeys.second])
        #expect(
            iam.calls.sorted()
                == ["GetSSHPublicKey alice K1", "GetSSHPublicKey alice K3", "ListSSHPublicKeys alice"])
    }

    static let hostileBodies: [(String, String)] = [
        ("options prefix", "command=\"/bin/sh\" " + TestKeys.ed25519),
        ("from= option", "from=\"10.0.0.0/8\",no-pty " + TestKeys.ed25519),
        ("embedded newline", TestKeys.ed25519 + "\n" + TestKeys.second),
        ("carriage return", TestKeys.ed25519 + "\r" + TestKeys.second),
        ("wrong type", "ssh-rsa " + TestKeys.ed25519.split(separator: " ")[1]),
        ("unknown type", "ssh-dss AAAAB3NzaC1kc3MAAACBAP"),
        ("junk", "hello world"),
        ("bad base64", "ssh-ed25519 AAAA!!!!"),
        ("empty", ""),
        ("nul", TestKeys.ed25519 + "\u{0}"),
    ]

    @Test(arguments: hostileBodies)
    func hostileBodiesFromIAMAreDroppedAndReported(name: String, body: String) throws {
        let iam = FakeIAMKeys()
        iam.setKeys("alice", [.init(id: "BAD", body: body), .init(id: "GOOD", body: TestKeys.ecdsa)])
        let outcome = try SSHKeyFetcher(iam: iam, authorizedGroups: []).fetch(iamUserName: "alice")
        guard case .keys(let valid, let rejected) = outcome else {
            Issue.record("\(name): unexpected \(outcome)")
            return
        }
        #expect(valid.map(\.id) == ["GOOD"])
        #expect(rejected.map(\.id) == ["BAD"])
        #expect(valid.allSatisfy { !$0.key.line.contains("\n") })
    }

    @Test func getSSHPublicKeyCallsRunConcurrently() throws {
        let iam = FakeIAMKeys(barrier: 3)
        iam.setKeys(
            "alice",
            [
                .init(id: "K1", body: TestKeys.ed25519), .init(id: "K2", body: TestKeys.ecdsa),
                .init(id: "K3", body: TestKeys.second),
            ])
        let outcome = try SSHKeyFetcher(iam: iam, authorizedGroups: []).fetch(iamUserName: "alice")
        #expect(iam.maxInFlight == 3)
        #expect(keys(outcome) == [TestKeys.ed25519, TestKeys.ecdsa, TestKeys.second])
    }

    @Test func concurrencyIsBounded() throws {
        let iam = FakeIAMKeys()
        iam.setKeys("alice", (1...20).map { .init(id: "K\($0)", body: TestKeys.ed25519) })
        let outcome = try SSHKeyFetcher(iam: iam, authorizedGroups: [], maxConcurrentRequests: 4)
            .fetch(iamUserName: "alice")
        #expect(keys(outcome).count == 20)
        #expect(iam.maxInFlight <= 4)
    }

    @Test(arguments: [
        (["devs"], ["ops", "devs"], true),
        (["devs", "admins"], ["admins"], true),
        (["devs"], ["ops"], false),
        (["devs"], [], false),
    ])
    func authorizedGroupMembershipIsCheckedLive(authorized: [String], member: [String], allowed: Bool) throws {
        let iam = FakeIAMKeys()
        iam.setKeys("alice", [.init(id: "K1", body: TestKeys.ed25519)])
        iam.setGroups("alice", member)
        let outcome = try SSHKeyFetcher(iam: iam, authorizedGroups: authorized).fetch(iamUserName: "alice")
        #expect((outcome != .notInAuthorizedGroups) == allowed)
        #expect(iam.calls.filter { $0.hasPrefix("ListGroupsForUser") }.count == 1)
    }

    @Test func noGroupCallWithoutAuthorizedGroups() throws {
        let iam = FakeIAMKeys()
        iam.setKeys("alice", [])
        _ = try SSHKeyFetcher(iam: iam, authorizedGroups: []).fetch(iamUserName: "alice")
        #expect(iam.calls == ["ListSSHPublicKeys alice"])
    }

    @Test func errorPriorityFailsClosed() {
        // NoSuchEntity beats everything; a non-retryable error beats a retryable one.
        let gone = FakeIAMKeys.noSuchEntity("alice")
        #expect((SSHKeyFetcher.decisiveError([Self.throttled, gone]) as? AWSError) == gone)
        #expect((SSHKeyFetcher.decisiveError([Self.throttled, Self.denied]) as? AWSError) == Self.denied)
        #expect((SSHKeyFetcher.decisiveError([Self.throttled]) as? AWSError) == Self.throttled)
        #expect(SSHKeyFetcher.decisiveError([]) == nil)
    }

    @Test func groupCheckDeniedWhileKeysThrottledFailsClosed() {
        let iam = FakeIAMKeys()
        iam.setKeys("alice", [.init(id: "K1", body: TestKeys.ed25519)])
        iam.failList(Self.throttled)
        iam.failGroups(Self.denied)
        #expect(throws: Self.denied) {
            try SSHKeyFetcher(iam: iam, authorizedGroups: ["devs"]).fetch(iamUserName: "alice")
        }
    }

    @Test func aKeyDeletedBetweenListAndGetIsSkipped() throws {
        let iam = FakeIAMKeys()
        iam.setKeys("alice", [.init(id: "K1", body: TestKeys.ed25519), .init(id: "K2", body: TestKeys.ecdsa)])
        iam.failGet("K1", FakeIAMKeys.noSuchEntity("K1"))
        #expect(
            keys(try SSHKeyFetcher(iam: iam, authorizedGroups: []).fetch(iamUserName: "alice")) == [
                TestKeys.ecdsa
            ])
    }

    @Test func aFailedGetFailsTheWholeFetch() {
        let iam = FakeIAMKeys()
        iam.setKeys("alice", [.init(id: "K1", body: TestKeys.ed25519), .init(id: "K2", body: TestKeys.ecdsa)])
        iam.failGet("K2", Self.throttled)
        #expect(throws: Self.throttled) {
            try SSHKeyFetcher(iam: iam, authorizedGroups: []).fetch(iamUserName: "alice")
        }
    }
}
