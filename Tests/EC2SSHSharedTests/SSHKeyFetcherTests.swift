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
        let iam = KeyFakeIAM()
        iam.setKeys(
            "alice",
            [
                .init(id: "K1", body: KeyTestKeys.ed25519), .init(id: "K2", body: KeyTestKeys.ecdsa, status: .inactive),
                .init(id: "K3", body: KeyTestKeys.second),
                .init(id: "K4", body: KeyTestKeys.second, status: .other("X")),
            ])
        let outcome = try SSHKeyFetcher(iam: iam, authorizedGroups: []).fetch(iamUserName: "alice")
        #expect(keys(outcome) == [KeyTestKeys.ed25519, KeyTestKeys.second])
        #expect(
            iam.calls.sorted()
                == ["GetSSHPublicKey alice K1", "GetSSHPublicKey alice K3", "ListSSHPublicKeys alice"])
    }

    static let hostileBodies: [(String, String)] = [
        ("options prefix", "command=\"/bin/sh\" " + KeyTestKeys.ed25519),
        ("from= option", "from=\"10.0.0.0/8\",no-pty " + KeyTestKeys.ed25519),
        ("embedded newline", KeyTestKeys.ed25519 + "\n" + KeyTestKeys.second),
        ("carriage return", KeyTestKeys.ed25519 + "\r" + KeyTestKeys.second),
        ("wrong type", "ssh-rsa " + KeyTestKeys.ed25519.split(separator: " ")[1]),
        ("unknown type", "ssh-dss AAAAB3NzaC1kc3MAAACBAP"),
        ("junk", "hello world"),
        ("bad base64", "ssh-ed25519 AAAA!!!!"),
        ("empty", ""),
        ("nul", KeyTestKeys.ed25519 + "\u{0}"),
    ]

    @Test(arguments: hostileBodies)
    func hostileBodiesFromIAMAreDroppedAndReported(name: String, body: String) throws {
        let iam = KeyFakeIAM()
        iam.setKeys("alice", [.init(id: "BAD", body: body), .init(id: "GOOD", body: KeyTestKeys.ecdsa)])
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
        let iam = KeyFakeIAM(barrier: 3)
        iam.setKeys(
            "alice",
            [
                .init(id: "K1", body: KeyTestKeys.ed25519), .init(id: "K2", body: KeyTestKeys.ecdsa),
                .init(id: "K3", body: KeyTestKeys.second),
            ])
        let outcome = try SSHKeyFetcher(iam: iam, authorizedGroups: []).fetch(iamUserName: "alice")
        #expect(iam.maxInFlight == 3)
        #expect(keys(outcome) == [KeyTestKeys.ed25519, KeyTestKeys.ecdsa, KeyTestKeys.second])
    }

    @Test func concurrencyIsBounded() throws {
        let iam = KeyFakeIAM()
        iam.setKeys("alice", (1...20).map { .init(id: "K\($0)", body: KeyTestKeys.ed25519) })
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
        let iam = KeyFakeIAM()
        iam.setKeys("alice", [.init(id: "K1", body: KeyTestKeys.ed25519)])
        iam.setGroups("alice", member)
        let outcome = try SSHKeyFetcher(iam: iam, authorizedGroups: authorized).fetch(iamUserName: "alice")
        #expect((outcome != .notInAuthorizedGroups) == allowed)
        #expect(iam.calls.filter { $0.hasPrefix("ListGroupsForUser") }.count == 1)
    }

    @Test func noGroupCallWithoutAuthorizedGroups() throws {
        let iam = KeyFakeIAM()
        iam.setKeys("alice", [])
        _ = try SSHKeyFetcher(iam: iam, authorizedGroups: []).fetch(iamUserName: "alice")
        #expect(iam.calls == ["ListSSHPublicKeys alice"])
    }

    @Test func errorPriorityFailsClosed() {
        // NoSuchEntity beats everything; a non-retryable error beats a retryable one.
        let gone = KeyFakeIAM.noSuchEntity("alice")
        #expect((SSHKeyFetcher.decisiveError([Self.throttled, gone]) as? AWSError) == gone)
        #expect((SSHKeyFetcher.decisiveError([Self.throttled, Self.denied]) as? AWSError) == Self.denied)
        #expect((SSHKeyFetcher.decisiveError([Self.throttled]) as? AWSError) == Self.throttled)
        #expect(SSHKeyFetcher.decisiveError([]) == nil)
    }

    @Test func groupCheckDeniedWhileKeysThrottledFailsClosed() {
        let iam = KeyFakeIAM()
        iam.setKeys("alice", [.init(id: "K1", body: KeyTestKeys.ed25519)])
        iam.failList(Self.throttled)
        iam.failGroups(Self.denied)
        #expect(throws: Self.denied) {
            try SSHKeyFetcher(iam: iam, authorizedGroups: ["devs"]).fetch(iamUserName: "alice")
        }
    }

    @Test func aKeyDeletedBetweenListAndGetIsSkipped() throws {
        let iam = KeyFakeIAM()
        iam.setKeys("alice", [.init(id: "K1", body: KeyTestKeys.ed25519), .init(id: "K2", body: KeyTestKeys.ecdsa)])
        iam.failGet("K1", KeyFakeIAM.noSuchEntity("K1"))
        #expect(
            keys(try SSHKeyFetcher(iam: iam, authorizedGroups: []).fetch(iamUserName: "alice")) == [
                KeyTestKeys.ecdsa
            ])
    }

    @Test func aFailedGetFailsTheWholeFetch() {
        let iam = KeyFakeIAM()
        iam.setKeys("alice", [.init(id: "K1", body: KeyTestKeys.ed25519), .init(id: "K2", body: KeyTestKeys.ecdsa)])
        iam.failGet("K2", Self.throttled)
        #expect(throws: Self.throttled) {
            try SSHKeyFetcher(iam: iam, authorizedGroups: []).fetch(iamUserName: "alice")
        }
    }
}
