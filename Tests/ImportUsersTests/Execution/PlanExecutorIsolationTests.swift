import EC2SSHCore
import EC2SSHSystem
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

/// A failure is isolated to its account: recorded, the account's later grants skipped, every other account
/// applied, and the account's intent entry kept for the next run.
@Suite struct PlanExecutorIsolationTests {
    typealias World = PlanExecutorWorld
    static let marker = SyncPolicy.defaultMarkerGroup
    static let useradd =
        "/usr/sbin/useradd --user-group --create-home --shell /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 --groups iam-synced-users"

    func grant(_ name: String) throws -> SyncPlan.Action {
        .writeSudoers(
            localName: name, fileName: "aws-ec2-ssh-\(name)",
            content: try SudoersFile.content(forLocalName: name, rule: SyncPolicy.defaultSudoersRule))
    }

    @Test func aFailedMarkerGroupSkipsTheCreationsButNotTheOtherAccounts() throws {
        let world = World(host: FakeAccountHost(users: [("carol", 2002), ("dave", 2003)]))
        world.host.fail("/usr/sbin/groupadd -- \(Self.marker)")
        try world.fileSystem.writeFileAtomically(
            "/etc/sudoers.d/aws-ec2-ssh-dave", contents: Array("x\n".utf8), mode: 0o440, owner: .root)
        let before = ManagedState(accounts: [
            "carol": World.entry("carol", uid: 2002), "dave": World.entry("dave", uid: 2003),
        ])
        var intent = before
        intent.accounts["alice"] = World.entry("alice", status: .creating)
        var final = before
        final.accounts["alice"] = World.entry("alice")
        final.accounts["carol"]?.sudo = true
        let report = world.executor().execute(
            World.plan(
                [
                    .createGroup(name: Self.marker),
                    .createUser(localName: "alice", iamUserName: "alice", uid: nil, groups: [Self.marker]),
                    .removeSudoers(localName: "dave", fileName: "aws-ec2-ssh-dave"),
                    try grant("alice"), try grant("carol"),
                ], intent: intent, final: final),
            from: before)
        #expect(report.failures.map(\.action) == [.createGroup(name: Self.marker)])
        #expect(report.skipped.map(\.subject) == ["alice", "alice"])
        #expect(report.completed.map(\.subject) == ["dave", "carol"])
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-dave") == nil)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-carol") != nil)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-alice") == nil)
        #expect(!world.host.commandLines.contains { $0.hasPrefix("/usr/sbin/useradd") })
        var expected = final
        expected.accounts["alice"] = intent.accounts["alice"]
        #expect(try world.savedState() == expected)
        #expect(world.log.text.contains("skipped: create user alice"))
        #expect(world.log.text.contains("creating group \(Self.marker) failed"))
    }

    @Test func aFailedGrantAfterACreationKeepsTheUIDAndTheIntent() throws {
        let world = World(host: FakeAccountHost(groups: [(Self.marker, 900, [])]))
        world.host.fail("/usr/sbin/visudo")
        let intent = ManagedState(accounts: [
            "alice": World.entry("alice", status: .creating), "bob": World.entry("bob", status: .creating),
        ])
        var final = ManagedState(accounts: ["alice": World.entry("alice"), "bob": World.entry("bob")])
        final.accounts["alice"]?.sudo = true
        let report = world.executor().execute(
            World.plan(
                [
                    .createUser(localName: "alice", iamUserName: "alice", uid: nil, groups: [Self.marker]),
                    .createUser(localName: "bob", iamUserName: "bob", uid: nil, groups: [Self.marker]),
                    try grant("alice"),
                ], intent: intent, final: final),
            from: ManagedState())
        #expect(report.failures.map(\.action?.subject) == ["alice"])
        let alice = try #require(world.host.host.users["alice"])
        let bob = try #require(world.host.host.users["bob"])
        let saved = try world.savedState()
        #expect(saved.accounts["alice"] == World.entry("alice", uid: alice.uid, status: .creating))
        #expect(saved.accounts["bob"] == World.entry("bob", uid: bob.uid))
    }

    @Test func aFailedDeletionLetsTheOtherDeletionsAndRevocationsRun() throws {
        let world = World(host: FakeAccountHost(users: [("alice", 2000), ("bob", 2001)]))
        world.host.fail("/usr/sbin/userdel --force --remove -- alice")
        world.host.fail("/usr/sbin/userdel --force -- alice")
        let state = ManagedState(accounts: [
            "alice": World.entry("alice", uid: 2000), "bob": World.entry("bob", uid: 2001),
        ])
        let intent = ManagedState(accounts: [
            "alice": World.entry("alice", uid: 2000, status: .deleting),
            "bob": World.entry("bob", uid: 2001, status: .deleting),
        ])
        let report = world.executor().execute(
            World.plan(
                [
                    .deleteUser(localName: "alice", iamUserName: "alice", sudoersFileName: "aws-ec2-ssh-alice"),
                    .deleteUser(localName: "bob", iamUserName: "bob", sudoersFileName: "aws-ec2-ssh-bob"),
                    .removeSudoers(localName: "alice", fileName: "aws-ec2-ssh-alice"),
                ], intent: intent, final: ManagedState()),
            from: state)
        #expect(report.failures.map(\.action?.subject) == ["alice"])
        #expect(report.completed.map(\.subject) == ["bob", "alice"])
        #expect(world.host.host.users["alice"] != nil && world.host.host.users["bob"] == nil)
        #expect(try world.savedState().accounts == ["alice": World.entry("alice", uid: 2000, status: .deleting)])
    }

    @Test(arguments: [
        (SyncPlan.Action.createUser(localName: "a", iamUserName: "a", uid: nil, groups: ["m"]), true),
        (.addToGroups(localName: "a", groups: ["docker"]), true),
        (.writeSudoers(localName: "a", fileName: "f", content: "c"), true),
        (.removeSudoers(localName: "a", fileName: "f"), false),
        (.removeLegacySudoers(localName: "a", fileName: "f"), false),
        (.removeFromGroups(localName: "a", groups: ["docker"]), false),
        (.deleteUser(localName: "a", iamUserName: "a", sudoersFileName: "f"), false),
        (.lockUser(localName: "a"), false),
        (.unlockUser(localName: "a"), true),
        (.createUser(localName: "b", iamUserName: "b", uid: nil, groups: ["m"]), false),
        (.writeSudoers(localName: "b", fileName: "f", content: "c"), false),
    ])
    func afterAFailureForAnAccountOnlyItsGrantsAreSkipped(action: SyncPlan.Action, skipped: Bool) {
        let blocker = PlanExecutor.blocker(of: action, failedSubjects: ["a"], failedGroups: [])
        #expect((blocker != nil) == skipped)
    }

    @Test(arguments: [
        (SyncPlan.Action.createUser(localName: "b", iamUserName: "b", uid: nil, groups: ["m", "docker"]), true),
        (.addToGroups(localName: "b", groups: ["docker"]), true),
        (.addToGroups(localName: "b", groups: ["audio"]), false),
        (.writeSudoers(localName: "b", fileName: "f", content: "c"), false),
    ])
    func afterAFailedGroupTheActionsNeedingItAreSkipped(action: SyncPlan.Action, skipped: Bool) {
        let blocker = PlanExecutor.blocker(of: action, failedSubjects: [], failedGroups: ["docker"])
        #expect((blocker != nil) == skipped)
    }
}
