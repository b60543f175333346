import Testing

@testable import EC2SSHCore

/// An incomplete read holds back only what the failed read could affect, never more and never less.
@Suite struct SyncPlannerScopeTests {
    typealias F = PlanFixtures
    typealias Action = SyncPlan.Action

    static let policy = SyncPolicy(
        groupMap: [.init(iamGroup: "devs", localGroup: "docker"), .init(iamGroup: "ops", localGroup: "audio")],
        maxDeletePercent: 100)

    /// alice (sudo, audio through ops), bob (sudo), carol (docker through devs) and erin (nothing).
    static func populated() throws -> PlanHarness {
        var harness = PlanHarness(policy: policy)
        try harness.run(
            IAMView(
                users: ["alice", "bob", "carol", "erin"].map { F.user($0) }, sudo: .members(["alice", "bob"]),
                groupMembers: ["devs": ["carol"], "ops": ["alice"]]))
        return harness
    }

    struct ScopeCase: Sendable, CustomTestStringConvertible {
        var what: String
        var users: [String]
        var authorized: IAMView.Selection = .all
        var sudo: Set<String>
        var groupMembers: [String: Set<String>]
        var uncertainty: ReadUncertainty?
        var actions: [Action]
        /// Managed accounts whose state must not change.
        var held: [String]
        var testDescription: String { what }
    }

    static let sudoersDave = Action.writeSudoers(
        localName: "dave", fileName: F.sudoersFileName("dave"), content: F.sudoersContent("dave"))
    static let createDave = Action.createUser(localName: "dave", iamUserName: "dave", uid: nil, groups: [F.marker])
    static let deleteErin = Action.deleteUser(
        localName: "erin", iamUserName: "erin", sudoersFileName: F.sudoersFileName("erin"))

    static let cases: [ScopeCase] = [
        .init(
            what: "a sudoers group failed: sudo of users it may list is kept; access and creations go on",
            users: ["alice", "bob", "carol", "dave"], sudo: ["alice", "dave"],
            groupMembers: ["devs": ["carol"], "ops": ["alice"]], uncertainty: .init(sudo: .all),
            actions: [deleteErin, createDave, sudoersDave], held: ["bob"]),
        .init(
            what: "an authorized group failed: nobody missing is locked or deleted; sudo of listed users changes",
            users: ["alice", "bob", "dave"], authorized: .members(["alice", "bob", "dave"]), sudo: ["alice"],
            groupMembers: ["devs": [], "ops": ["alice"]], uncertainty: .init(authorization: .all),
            actions: [.removeSudoers(localName: "bob", fileName: F.sudoersFileName("bob")), createDave],
            held: ["carol", "erin"]),
        .init(
            what: "the expiry tag of carol failed: only carol is held",
            users: ["alice", "bob", "carol"], authorized: .members(["alice", "bob"]), sudo: ["alice", "bob"],
            groupMembers: ["devs": ["carol"], "ops": ["alice"]], uncertainty: .init(authorization: .members(["carol"])),
            actions: [deleteErin], held: ["carol"]),
        .init(
            what: "a mapped group failed: only the local group it maps to is held",
            users: ["alice", "bob", "carol", "erin"], sudo: ["alice", "bob"], groupMembers: ["ops": []],
            uncertainty: .init(groups: .members(["devs"])),
            actions: [.removeFromGroups(localName: "alice", groups: ["audio"])], held: ["carol"]),
        .init(
            what: "an incomplete read that does not say what failed holds every revocation",
            users: ["alice", "dave"], sudo: ["alice", "dave"], groupMembers: ["devs": [], "ops": []],
            uncertainty: nil, actions: [createDave, sudoersDave], held: ["alice", "bob", "carol", "erin"]),
    ]

    @Test(arguments: cases)
    func holdsOnlyWhatTheFailedReadCouldAffect(_ test: ScopeCase) throws {
        let harness = try Self.populated()
        let view = IAMView(
            users: test.users.map { F.user($0) }, authorized: test.authorized, sudo: .members(test.sudo),
            groupMembers: test.groupMembers, complete: false, failedReads: ["GetGroup x: Throttling"],
            uncertainty: test.uncertainty)
        let plan = try harness.plan(view)
        #expect(plan.actions == test.actions)
        for name in test.held {
            #expect(plan.finalState.accounts[name] == harness.state.accounts[name], "\(name) changed")
            #expect(plan.intentState.accounts[name] == harness.state.accounts[name], "\(name) changed")
        }
        let notice = try #require(plan.notices(.incompleteRead).first)
        #expect(notice.severity == .error)
        #expect(notice.message.contains("GetGroup x: Throttling"))
    }

    @Test(arguments: [nil, ReadUncertainty.none])
    func anIncompleteViewThatNamesNoUncertaintyHoldsEverything(uncertainty: ReadUncertainty?) {
        let view = IAMView(
            users: [], complete: false, failedReads: ["GetGroup x: Throttling"], uncertainty: uncertainty)
        #expect(view.effectiveUncertainty == .total)
        #expect(IAMView(users: [], uncertainty: uncertainty).effectiveUncertainty == .none)
    }

    @Test func aHeldAccountIsNamedInANotice() throws {
        let harness = try Self.populated()
        let view = IAMView(
            users: [F.user("alice")], authorized: .members(["alice"]), sudo: .members(["alice"]), complete: false,
            failedReads: ["GetGroup devs: Throttling"], uncertainty: .init(authorization: .all))
        let plan = try harness.plan(view)
        let held = plan.notices(.held).compactMap(\.subject)
        #expect(held == ["bob", "carol", "erin"])
    }

    @Test func aCompleteReadWithoutUncertaintyDecidesEverything() throws {
        let harness = try Self.populated()
        let view = IAMView(
            users: [F.user("alice"), F.user("bob")], sudo: .members(["alice"]),
            groupMembers: ["devs": [], "ops": []])
        let plan = try harness.plan(view)
        #expect(plan.deletedNames == ["carol", "erin"])
        #expect(plan.actions.contains(.removeSudoers(localName: "bob", fileName: F.sudoersFileName("bob"))))
        #expect(plan.actions.contains(.removeFromGroups(localName: "alice", groups: ["audio"])))
    }
}
