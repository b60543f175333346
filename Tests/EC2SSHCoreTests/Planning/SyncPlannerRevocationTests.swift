import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Revocation is immediate and reversible; destruction is deferred and capped.
@Suite struct SyncPlannerRevocationTests {
    typealias F = PlanFixtures
    typealias Lock = ManagedState.Lock

    static let users = [F.user("alice"), F.user("bob"), F.user("carol"), F.user("dave")]

    /// A harness where alice, bob, carol and dave have accounts and sudo.
    static func populated(deleteAfter: Int = 3, maxDeletePercent: Int = 50) throws -> PlanHarness {
        var harness = PlanHarness(
            policy: SyncPolicy(deleteAfterMissingRuns: deleteAfter, maxDeletePercent: maxDeletePercent))
        try harness.run(IAMView(users: users, sudo: .all))
        return harness
    }

    static func index(_ state: ManagedState) -> [String] {
        ManagedUsersIndex(state: state).users.keys.sorted()
    }

    @Test func aUserWhoLosesAccessIsLockedAndRevokedAtOnceWhileTheDeletionWaits() throws {
        var harness = try Self.populated()
        let view = IAMView(users: Self.users.filter { $0.userName != "bob" }, sudo: .all)
        let plan = try harness.run(view)
        #expect(
            plan.actions == [
                .removeSudoers(localName: "bob", fileName: F.sudoersFileName("bob")),
                .lockUser(localName: "bob"),
            ])
        #expect(plan.intentState.accounts["bob"]?.lock == .locking)
        #expect(harness.state.accounts["bob"]?.lock == .locked)
        #expect(harness.state.accounts["bob"]?.sudo == false)
        #expect(harness.state.accounts["bob"]?.missingRuns == 1)
        #expect(harness.simulator.locked == ["bob"])
        #expect(harness.host.sudoersFiles[F.sudoersFileName("bob")] == nil)
        #expect(Self.index(plan.intentState) == ["alice", "carol", "dave"])
        #expect(Self.index(harness.state) == ["alice", "carol", "dave"])

        let second = try harness.run(view)
        #expect(second.actions.isEmpty)
        #expect(harness.state.accounts["bob"]?.missingRuns == 2)
        #expect(harness.state.accounts["bob"]?.lock == .locked)

        let third = try harness.run(view)
        #expect(third.deletedNames == ["bob"])
        #expect(!third.actions.contains(.lockUser(localName: "bob")))
        #expect(harness.state.accounts["bob"] == nil)
    }

    @Test func aUserWhoComesBackIsUnlockedAndGetsSudoAndTheIndexBack() throws {
        var harness = try Self.populated()
        try harness.run(IAMView(users: Self.users.filter { $0.userName != "bob" }, sudo: .all))
        let plan = try harness.run(IAMView(users: Self.users, sudo: .all))
        #expect(
            plan.actions == [
                .unlockUser(localName: "bob"),
                .writeSudoers(localName: "bob", fileName: F.sudoersFileName("bob"), content: F.sudoersContent("bob")),
            ])
        #expect(plan.intentState.accounts["bob"]?.lock == .unlocking)
        #expect(Self.index(plan.intentState) == ["alice", "carol", "dave"])
        #expect(harness.state.accounts["bob"]?.lock == nil)
        #expect(harness.state.accounts["bob"]?.missingRuns == 0)
        #expect(harness.simulator.locked.isEmpty)
        #expect(Self.index(harness.state) == ["alice", "bob", "carol", "dave"])
        #expect(try harness.plan(IAMView(users: Self.users, sudo: .all)).isNoOp(from: harness.state))
    }

    @Test func theDeletionCapHoldsDeletionsButNotRevocations() throws {
        var harness = try Self.populated(deleteAfter: 1)
        let plan = try harness.run(IAMView(users: [F.user("alice")], sudo: .all))
        #expect(plan.deletedNames.isEmpty)
        #expect(plan.notices(.deletionCapExceeded).count == 1)
        let locked = plan.actions.filter { if case .lockUser = $0 { true } else { false } }.map(\.subject)
        #expect(locked == ["bob", "carol", "dave"])
        #expect(harness.simulator.locked == ["bob", "carol", "dave"])
        #expect(harness.host.sudoersFiles.keys.filter { $0.hasPrefix(F.prefix) } == [F.sudoersFileName("alice")])
        #expect(Self.index(harness.state) == ["alice"])
        // The accounts themselves stay until the cap allows or --force.
        #expect(harness.host.accounts.keys.filter { ["bob", "carol", "dave"].contains($0) }.count == 3)
    }

    @Test func anExpiredUserIsLockedAtOnce() throws {
        var harness = PlanHarness(policy: SyncPolicy(deleteAfterMissingRuns: 2, expiryTagName: "expires"))
        try harness.run(IAMView(users: [F.user("alice"), F.user("bob")]))
        let view = IAMView(users: [F.user("alice", tags: ["expires": "2020-01-01"]), F.user("bob")])
        let plan = try harness.run(view)
        #expect(plan.actions == [.lockUser(localName: "alice")])
        #expect(Self.index(harness.state) == ["bob"])
    }

    struct LockCase: Sendable, CustomTestStringConvertible {
        var lock: Lock?
        var authorized: Bool
        var complete = true
        var actions: [SyncPlan.Action]
        var intent: Lock?
        var final: Lock?

        var testDescription: String {
            "\(lock.map(\.rawValue) ?? "unlocked"), authorized \(authorized), complete \(complete)"
        }
    }

    static let lock = SyncPlan.Action.lockUser(localName: "bob")
    static let unlock = SyncPlan.Action.unlockUser(localName: "bob")

    static let lockCases: [LockCase] = [
        .init(lock: nil, authorized: true, actions: [], intent: nil, final: nil),
        .init(lock: nil, authorized: false, actions: [lock], intent: .locking, final: .locked),
        .init(lock: .locking, authorized: false, actions: [lock], intent: .locking, final: .locked),
        .init(lock: .locked, authorized: false, actions: [], intent: .locked, final: .locked),
        .init(lock: .unlocking, authorized: false, actions: [lock], intent: .locking, final: .locked),
        .init(lock: .locking, authorized: true, actions: [unlock], intent: .unlocking, final: nil),
        .init(lock: .locked, authorized: true, actions: [unlock], intent: .unlocking, final: nil),
        .init(lock: .unlocking, authorized: true, actions: [unlock], intent: .unlocking, final: nil),
        // An incomplete read proves nothing about a missing user: nothing is locked, nothing is unlocked.
        .init(lock: nil, authorized: false, complete: false, actions: [], intent: nil, final: nil),
        .init(lock: .locked, authorized: false, complete: false, actions: [], intent: .locked, final: .locked),
        .init(lock: .locking, authorized: false, complete: false, actions: [], intent: .locking, final: .locking),
        // A user a read that succeeded lists is authorized, even when another read failed.
        .init(lock: .locked, authorized: true, complete: false, actions: [unlock], intent: .unlocking, final: nil),
    ]

    @Test(arguments: lockCases)
    func eachLockStateIsRepairedTowardsWhatIAMSays(_ test: LockCase) throws {
        var host = F.baseHost()
        host.groups.insert(F.marker)
        host.accounts["bob"] = .init(name: "bob", uid: 2001, gid: 2001, groups: [F.marker])
        let state = ManagedState(accounts: [
            "bob": .init(iamUserName: "bob", iamUserID: "AIDABOB", uid: 2001, createdAt: F.now, lock: test.lock)
        ])
        let view = IAMView(users: test.authorized ? [F.user("bob")] : [], complete: test.complete)
        let policy = SyncPolicy(deleteAfterMissingRuns: 5)
        let plan = try SyncPlanner.plan(view: view, local: host, state: state, policy: policy, now: F.now)
        #expect(plan.actions == test.actions)
        #expect(plan.intentState.accounts["bob"]?.lock == test.intent)
        #expect(plan.finalState.accounts["bob"]?.lock == test.final)
        #expect(Self.index(plan.finalState) == (test.final == nil ? ["bob"] : []))
    }

    @Test func anAccountScheduledForDeletionIsNotLockedSeparately() throws {
        var harness = try Self.populated(deleteAfter: 1)
        let plan = try harness.run(IAMView(users: Self.users.filter { $0.userName != "bob" }, sudo: .all))
        #expect(plan.actions.map(\.subject) == ["bob"])
        #expect(plan.deletedNames == ["bob"])
    }
}
