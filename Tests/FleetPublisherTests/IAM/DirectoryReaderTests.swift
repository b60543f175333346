import AWSCore
import EC2SSHCore
import FleetPublisher
import TestSupport
import Testing

/// The publisher's IAM read: complete, sorted, only active keys, key bodies cached by id, all or nothing.
@Suite struct DirectoryReaderTests {
    static let throttling = AWSError.service(code: "Throttling", message: "Rate exceeded", requestID: "r", status: 400)

    /// alice (admins, devs; two active keys and an inactive one), bob (devs; one key), carol (no group, no key),
    /// and an empty group ops.
    static func directory() -> FakeIAMDirectory {
        let iam = FakeIAMDirectory()
        iam.addUser(
            "carol")
        iam.addUser(
            "alice",
            keys: [
                .init(id: "APKB", body: "ssh-ed25519 AAAAB alice"), .init(id: "APKA", body: "ssh-ed25519 AAAAA alice"),
                .init(id: "APKOLD", body: "ssh-ed25519 AAAAOLD alice", status: .inactive),
            ])
        iam.addUser("bob", keys: [.init(id: "APKC", body: "ssh-rsa AAAAC bob")])
        iam.addGroup("devs", members: ["bob", "alice"])
        iam.addGroup("admins", members: ["alice"])
        iam.addGroup("ops", members: [])
        return iam
    }

    @Test func readsEverythingSortedWithOnlyActiveKeys() throws {
        let iam = Self.directory()
        let result = try DirectoryReader(iam: iam, tags: []).read(cache: KeyBodyCache())
        #expect(result.users.map(\.name) == ["alice", "bob", "carol"])
        #expect(result.groups.map(\.name) == ["admins", "devs", "ops"])
        let alice = try #require(result.users.first)
        #expect(alice.groups == ["admins", "devs"])
        #expect(alice.keys.map(\.id) == ["APKA", "APKB"])
        #expect(alice.keys.map(\.body) == ["ssh-ed25519 AAAAA alice", "ssh-ed25519 AAAAB alice"])
        #expect(alice.keys.first?.fingerprint == "md5:APKA")
        #expect(alice.keys.first?.uploaded == FakeIAMDirectory.uploaded)
        #expect(alice.id == "AIDAALICE")
        #expect(alice.arn == "arn:aws:iam::123456789012:user/alice")
        #expect(alice.tags.isEmpty)
        #expect(result.users[2].groups.isEmpty && result.users[2].keys.isEmpty)
        #expect(
            result.groups[0]
                == FleetGroup(name: "admins", id: "AGPAADMINS", arn: "arn:aws:iam::123456789012:group/admins"))
        // No ListUserTags without tags to carry; no GetSSHPublicKey for the inactive key.
        #expect(iam.calls("ListUserTags").isEmpty)
        #expect(
            iam.calls("GetSSHPublicKey").sorted() == [
                "GetSSHPublicKey alice APKA", "GetSSHPublicKey alice APKB", "GetSSHPublicKey bob APKC",
            ])
        #expect(iam.calls("ListSSHPublicKeys").count == 3)
        #expect(iam.calls("GetGroup").count == 3)
        #expect(
            result.calls == [
                "iam:ListUsers": 1, "iam:ListGroups": 1, "iam:GetGroup": 3, "iam:ListSSHPublicKeys": 3,
                "iam:GetSSHPublicKey": 3,
            ])
        #expect(Set(result.cache.entries.keys) == ["APKA", "APKB", "APKC"])
    }

    @Test func carriesOnlyTheConfiguredTags() throws {
        let iam = Self.directory()
        iam.setTags("alice", ["access-expiry": "2027-01-01", "cost-centre": "42"])
        iam.setTags("bob", [:])
        iam.setTags("carol", ["access-expiry": "2026-12-31"])
        let result = try DirectoryReader(iam: iam, tags: ["access-expiry"]).read(cache: KeyBodyCache())
        #expect(result.users.map(\.tags) == [["access-expiry": "2027-01-01"], [:], ["access-expiry": "2026-12-31"]])
        #expect(iam.calls("ListUserTags").count == 3)
        #expect(result.calls["iam:ListUserTags"] == 3)
    }

    @Test func aSecondReadUsesTheCacheAndANewKeyCostsExactlyOneGet() throws {
        let iam = Self.directory()
        let reader = DirectoryReader(iam: iam, tags: [])
        let first = try reader.read(cache: KeyBodyCache())
        let callsAfterFirst = iam.calls.count
        let second = try reader.read(cache: first.cache)
        let secondCalls = Array(iam.calls.dropFirst(callsAfterFirst))
        #expect(secondCalls.filter { $0.hasPrefix("GetSSHPublicKey") }.isEmpty)
        #expect(second.users == first.users)
        #expect(second.calls["iam:GetSSHPublicKey"] == 0)

        iam.setKeys(
            "bob", [.init(id: "APKC", body: "ssh-rsa AAAAC bob"), .init(id: "APKD", body: "ssh-rsa AAAAD bob")])
        let before = iam.calls.count
        let third = try reader.read(cache: second.cache)
        #expect(iam.calls.dropFirst(before).filter { $0.hasPrefix("GetSSHPublicKey") } == ["GetSSHPublicKey bob APKD"])
        #expect(third.users[1].keys.map(\.id) == ["APKC", "APKD"])
    }

    @Test func theCacheKeepsOnlyKeysStillActiveAndServesAnIdOnlyToItsUser() throws {
        let iam = Self.directory()
        let stale = KeyBodyCache(entries: [
            "APKA": .init(user: "mallory", body: "ssh-ed25519 AAAAEVIL", fingerprint: "x"),
            "APKGONE": .init(user: "alice", body: "ssh-ed25519 AAAAGONE", fingerprint: "y"),
        ])
        let result = try DirectoryReader(iam: iam, tags: []).read(cache: stale)
        #expect(result.users[0].keys.first?.body == "ssh-ed25519 AAAAA alice")
        #expect(iam.calls.contains("GetSSHPublicKey alice APKA"))
        #expect(result.cache.entries["APKGONE"] == nil)
        #expect(result.cache.entries["APKA"]?.user == "alice")
    }

    @Test(arguments: [
        "ListUsers", "ListGroups", "GetGroup devs", "ListSSHPublicKeys bob", "GetSSHPublicKey alice APKB",
    ])
    func anyFailedReadFailsTheWholeRead(call: String) {
        let iam = Self.directory()
        iam.fail(call, with: Self.throttling)
        let error = #expect(throws: PublishError.self) {
            try DirectoryReader(iam: iam, tags: []).read(cache: KeyBodyCache())
        }
        guard case .iamRead(let operation, let subject, let aws)? = error else {
            Issue.record("expected an IAM read failure, got \(String(describing: error))")
            return
        }
        let parts = call.split(separator: " ", maxSplits: 1).map(String.init)
        #expect(operation == "iam:" + parts[0])
        #expect(subject == parts.dropFirst().first)
        #expect(aws == Self.throttling)
        #expect(error?.exitCode == .iam)
        #expect(error?.description.contains("Throttling") == true)
        #expect(error?.description.contains("nothing was published") == true)
    }

    @Test func aFailedTagReadFailsTheRead() {
        let iam = Self.directory()
        iam.setTags("alice", [:])
        iam.setTags("bob", [:])
        iam.fail("ListUserTags carol", with: .malformedResponse(detail: "bad XML"))
        #expect(
            throws: PublishError.iamRead(
                operation: "iam:ListUserTags", subject: "carol", error: .malformedResponse(detail: "bad XML"))
        ) {
            try DirectoryReader(iam: iam, tags: ["t"]).read(cache: KeyBodyCache())
        }
    }

    @Test func aGroupMemberNotListedByListUsersIsLeftOut() throws {
        let iam = Self.directory()
        iam.addGroup("late", members: ["dave", "bob"])
        let result = try DirectoryReader(iam: iam, tags: []).read(cache: KeyBodyCache())
        #expect(!result.users.map(\.name).contains("dave"))
        #expect(result.users[1].groups == ["devs", "late"])
    }

    @Test func perUserReadsOverlapButNeverExceedTheBound() throws {
        let iam = FakeIAMDirectory(barrier: 4)
        for index in 0..<40 { iam.addUser("user\(39 - index)") }
        let result = try DirectoryReader(iam: iam, tags: [], maxConcurrent: 4).read(cache: KeyBodyCache())
        #expect(iam.maxInFlight == 4)
        #expect(result.users.count == 40)
        #expect(result.users.first?.name == "user0")
        #expect(
            result.users.map(\.name) == result.users.map(\.name).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }
}
