import EC2SSHCore
import EC2SSHSystem
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

/// Group changes of existing accounts: one `gpasswd --members` per group that several accounts join or leave, the
/// other members kept; a group only one account changes, or a batch that fails, goes account by account, so that a
/// failure stays with its account.
@Suite struct PlanExecutorGroupBatchTests {
    typealias World = PlanExecutorWorld

    static let names = ["alice", "bob", "carol"]

    /// alice, bob and carol exist and are managed; `groups` exist with the given members.
    static func world(groups: [(String, UInt32, [String])]) -> World {
        World(
            host: FakeAccountHost(
                users: [("alice", 2000), ("bob", 2001), ("carol", 2002), ("dave", 2003)], groups: groups))
    }

    static func state() -> ManagedState {
        ManagedState(accounts: [
            "alice": World.entry("alice", uid: 2000), "bob": World.entry("bob", uid: 2001),
            "carol": World.entry("carol", uid: 2002),
        ])
    }

    @Test func accountsJoiningTheSameGroupAreOneGpasswdThatKeepsTheOtherMembers() throws {
        let world = Self.world(groups: [("docker", 900, ["dave"]), ("wheel", 901, [])])
        let plan = World.plan(
            [
                .addToGroups(localName: "alice", groups: ["docker", "wheel"]),
                .addToGroups(localName: "bob", groups: ["docker"]),
                .addToGroups(localName: "carol", groups: ["docker"]),
            ], intent: Self.state(), final: Self.state())
        let report = world.executor().execute(plan, from: Self.state())
        #expect(report.failures.isEmpty)
        #expect(report.completed.map(\.subject) == Self.names)
        #expect(
            world.host.commandLines == [
                "/usr/bin/gpasswd --members dave,alice,bob,carol -- docker",
                "/usr/sbin/usermod --append --groups wheel -- alice",
            ])
        #expect(world.host.host.groups["docker"]?.members == ["dave", "alice", "bob", "carol"])
        #expect(world.host.host.groups["wheel"]?.members == ["alice"])
    }

    @Test func accountsLeavingTheSameGroupAreOneGpasswdThatKeepsTheOtherMembers() throws {
        let world = Self.world(groups: [("docker", 900, ["alice", "dave", "bob"]), ("audio", 902, ["carol"])])
        let plan = World.plan(
            [
                .removeFromGroups(localName: "alice", groups: ["docker"]),
                .removeFromGroups(localName: "bob", groups: ["docker"]),
                .removeFromGroups(localName: "carol", groups: ["audio"]),
            ], intent: Self.state(), final: Self.state())
        let report = world.executor().execute(plan, from: Self.state())
        #expect(report.failures.isEmpty)
        #expect(
            world.host.commandLines == [
                "/usr/bin/gpasswd --members dave -- docker", "/usr/bin/gpasswd --delete carol -- audio",
            ])
        #expect(world.host.host.groups["docker"]?.members == ["dave"])
        #expect(world.host.host.groups["audio"]?.members == [])
    }

    /// How a batch fails: gpasswd refuses, or the group cannot be read first.
    enum BatchFailure: CaseIterable { case gpasswdFails, groupUnreadable }

    @Test(arguments: BatchFailure.allCases)
    func aFailedBatchFallsBackToEachAccountAndOnlyTheFailingOneKeepsItsIntent(failure: BatchFailure) throws {
        let world = Self.world(groups: [("docker", 900, ["dave"])])
        switch failure {
        case .gpasswdFails: world.host.fail("/usr/bin/gpasswd --members")
        case .groupUnreadable: world.host.failLookups(of: "docker")
        }
        world.host.fail("/usr/sbin/usermod --append --groups docker -- bob")
        var intent = Self.state()
        var final = Self.state()
        for name in Self.names {
            intent.accounts[name]?.grantedGroups = ["docker"]
            final.accounts[name]?.grantedGroups = ["docker"]
        }
        intent.accounts["bob"]?.status = .creating
        let plan = World.plan(
            Self.names.map { .addToGroups(localName: $0, groups: ["docker"]) }, intent: intent, final: final)
        let report = world.executor().execute(plan, from: Self.state())
        #expect(report.failures.map(\.action?.subject) == ["bob"])
        #expect(report.completed.map(\.subject) == ["alice", "carol"])
        #expect(world.host.commandLines.filter { $0.hasPrefix("/usr/sbin/usermod") }.count == 3)
        #expect(world.host.host.groups["docker"]?.members == ["dave", "alice", "carol"])
        #expect(try world.savedState() == plan.finalState(keepingIntentOf: ["bob"]))
        #expect(world.log.text.contains("changing each account"))
    }

    @Test func anAccountWhoseEarlierActionFailedIsLeftOutOfTheBatch() throws {
        let world = Self.world(groups: [("docker", 900, [])])
        world.host.fail("/usr/sbin/usermod --unlock --expiredate '' -- bob")
        var state = Self.state()
        state.accounts["bob"]?.lock = .locked
        let plan = World.plan(
            [.unlockUser(localName: "bob")] + Self.names.map { .addToGroups(localName: $0, groups: ["docker"]) },
            intent: state, final: Self.state())
        let report = world.executor().execute(plan, from: state)
        #expect(report.failures.map(\.action?.subject) == ["bob"])
        #expect(report.skipped == [.addToGroups(localName: "bob", groups: ["docker"])])
        #expect(world.host.commandLines.contains("/usr/bin/gpasswd --members alice,carol -- docker"))
        #expect(world.host.host.groups["docker"]?.members == ["alice", "carol"])
    }
}
