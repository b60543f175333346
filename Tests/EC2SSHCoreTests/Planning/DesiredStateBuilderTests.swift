import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct DesiredStateBuilderTests {
    typealias F = PlanFixtures

    static func build(_ view: IAMView, policy: SyncPolicy = SyncPolicy()) -> DesiredState {
        DesiredStateBuilder.build(view: view, policy: policy, now: F.now)
    }

    @Test func allUsersAreAuthorizedAndMapped() {
        let desired = Self.build(IAMView(users: [F.user("bob"), F.user("alice@example.com"), F.user("bob")]))
        #expect(desired.accounts.map(\.localName) == ["alice.at.example.com", "bob"])
        #expect(desired.accounts.first?.iamUserName == "alice@example.com")
        #expect(desired.accounts.first?.iamUserID == "AIDAALICE@EXAMPLE.COM")
        #expect(desired.accounts.allSatisfy { !$0.sudo && $0.groups.isEmpty })
        #expect(desired.skipped.isEmpty)
    }

    @Test(arguments: [
        (IAMView.Selection.members(["alice"]), IAMView.Selection.members(["alice", "carol"]), ["alice"], ["alice"]),
        (.all, .all, ["alice", "bob", "carol"], ["alice", "bob", "carol"]),
        (.members(["alice", "bob"]), .all, ["alice", "bob"], ["alice", "bob"]),
        (.members([]), .all, [], []),
        (.all, .members([]), ["alice", "bob", "carol"], []),
    ])
    func authorizedAndSudoSelections(
        authorized: IAMView.Selection, sudo: IAMView.Selection, names: [String], sudoNames: [String]
    ) {
        let view = IAMView(
            users: [F.user("alice"), F.user("bob"), F.user("carol")], authorized: authorized, sudo: sudo)
        let desired = Self.build(view)
        #expect(desired.accounts.map(\.localName) == names)
        #expect(desired.accounts.filter(\.sudo).map(\.localName) == sudoNames)
    }

    @Test func groupsComeFromLocalGroupsAndTheGroupMap() {
        let policy = SyncPolicy(
            localGroups: ["users", "", "iam-synced-users"],
            groupMap: [
                .init(iamGroup: "iam-devs", localGroup: "docker"), .init(iamGroup: "iam-dbas", localGroup: "postgres"),
            ])
        let view = IAMView(
            users: [F.user("alice"), F.user("bob")], groupMembers: ["iam-devs": ["alice", "bob"], "iam-dbas": ["bob"]])
        let desired = Self.build(view, policy: policy)
        #expect(
            desired.accounts.map(\.groups) == [
                ["docker", "iam-synced-users", "users"], ["docker", "iam-synced-users", "postgres", "users"],
            ])
    }

    @Test(arguments: [
        ("with space", DesiredState.Skipped.Reason.invalidName),
        ("tab\tname", .invalidName),
        ("ünicode", .invalidName),
        ("x/y", .invalidName),
        ("a-very-long-user-name-for-32-chars", .tooLong),
        ("someone@averyveryverylongdomain.io", .tooLong),
    ])
    func unmappableNamesAreSkippedWithAReason(name: String, reason: DesiredState.Skipped.Reason) {
        let desired = Self.build(IAMView(users: [F.user(name), F.user("alice")]))
        #expect(desired.accounts.map(\.localName) == ["alice"])
        #expect(desired.skipped.map(\.reason) == [reason])
        #expect(desired.skipped.first?.message.contains("not imported") == true)
    }

    @Test(arguments: [".", "..", "...", "-rf", "--remove", "1000", "0x0", "+x", "x@", ".ssh", "x."])
    func namesThatArePathsOptionsOrNumbersAreSkippedWithAWarningNamingTheIAMUser(name: String) {
        let desired = Self.build(IAMView(users: [F.user(name), F.user("alice")], sudo: .all))
        #expect(desired.accounts.map(\.localName) == ["alice"])
        #expect(desired.skipped.map(\.reason) == [.unsafeName])
        #expect(desired.skipped.first?.iamUserName == name)
        #expect(desired.skipped.first?.message.contains("IAM user \(String(reflecting: name))") == true)
        #expect(desired.skipped.first?.message.contains("not imported") == true)
    }

    @Test(arguments: [("x.at.y", "x@y"), ("c+at.d", "c.plus@d"), ("a.plus.b", "a+b")])
    func namesThatDoNotMapBackAreSkipped(name: String, reversed: String) {
        let desired = Self.build(IAMView(users: [F.user(name), F.user("alice")], sudo: .all))
        #expect(desired.accounts.map(\.localName) == ["alice"])
        #expect(desired.skipped.map(\.reason) == [.notReversible])
        #expect(desired.skipped.first?.message.contains("maps back to IAM user \(reversed)") == true)
    }

    @Test func aNameThatDoesNotMapBackStillCollidesWithTheNameItMapsBackTo() {
        let desired = Self.build(IAMView(users: [F.user("a@at.b"), F.user("a.at@b"), F.user("alice")]))
        #expect(desired.accounts.map(\.localName) == ["alice"])
        #expect(desired.skipped.map(\.reason) == [.collision, .collision])
        #expect(desired.collidingLocalNames == ["a.at.at.b"])
    }

    @Test func unmappableUnauthorizedUsersAreNotReported() {
        let desired = Self.build(
            IAMView(users: [F.user("with space"), F.user("alice")], authorized: .members(["alice"])))
        #expect(desired.skipped.isEmpty)
    }

    @Test func collisionsSkipBothEvenWhenOnlyOneIsAuthorized() {
        let view = IAMView(
            users: [F.user("a+b"), F.user("a.plus.b"), F.user("carol")], authorized: .members(["a+b", "carol"]))
        let desired = Self.build(view)
        #expect(desired.accounts.map(\.localName) == ["carol"])
        #expect(desired.skipped.map(\.iamUserName) == ["a+b"])
        #expect(desired.collidingLocalNames == ["a.plus.b"])
        #expect(desired.skipped.first?.message.contains("a.plus.b") == true)
    }

    @Test(arguments: [
        ("2027-01-15T07:59:59Z", DesiredState.Skipped.Reason?.some(.expired)),
        ("2027-01-15", .some(.expired)),
        ("2027-01-15T08:00:01Z", nil),
        ("2030-01-01", nil),
        ("never", .some(.unparseableExpiry)),
        ("", .some(.unparseableExpiry)),
    ])
    func expiryTag(value: String, reason: DesiredState.Skipped.Reason?) {
        let policy = SyncPolicy(expiryTagName: "ssh-expires")
        let view = IAMView(users: [F.user("alice", tags: ["ssh-expires": value]), F.user("bob", tags: ["other": "x"])])
        let desired = Self.build(view, policy: policy)
        #expect(desired.accounts.map(\.localName) == (reason == nil ? ["alice", "bob"] : ["bob"]))
        #expect(desired.expired.map(\.reason) == (reason.map { [$0] } ?? []))
        #expect(desired.expired.allSatisfy { $0.localName == "alice" && $0.message.contains("ssh-expires") })
    }

    @Test func expiryTagIsIgnoredWhenTheFeatureIsOff() {
        let view = IAMView(users: [F.user("alice", tags: ["ssh-expires": "2000-01-01"])])
        #expect(Self.build(view).accounts.count == 1)
    }

    /// The names the run looks up in the name service before planning cover every account the plan may create.
    @Test func authorizedLocalNamesCoverEveryDesiredAccount() {
        let expired = ["access-expires": "2001-01-01"]
        let users = [
            F.user("alice@example.com"), F.user("a+b"), F.user("a.plus.b"), F.user("-rf"), F.user(".."),
            F.user("x.at.y"), F.user("carol", tags: expired), F.user("mallory"),
        ]
        let view = IAMView(users: users, authorized: .members(Set(users.map(\.userName)).subtracting(["mallory"])))
        let desired = Self.build(view, policy: SyncPolicy(expiryTagName: "access-expires"))
        let names = Set(view.authorizedLocalNames)
        #expect(desired.accounts.map(\.localName) == ["alice.at.example.com"])
        #expect(Set(desired.accounts.map(\.localName)).isSubset(of: names))
        // Colliding and expired users are looked up too; unsafe, irreversible and unauthorized names never are.
        #expect(names == ["alice.at.example.com", "a.plus.b", "carol"])
    }
}
