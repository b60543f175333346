import Testing

@testable import EC2SSHCore

/// Deterministic UIDs (UID_SOURCE=iam-user-id) are chosen inside `SyncPlanner.plan`, the one entry point.
@Suite struct SyncPlannerUIDTests {
    typealias F = PlanFixtures

    /// UID_RANGE of these tests.
    static let range: ClosedRange<UInt32> = 70_000...70_999
    /// Two authorized IAM users.
    static let view = IAMView(users: [F.user("alice"), F.user("bob")])

    /// The UID `name` gets when nothing else holds it (fixtures give user `x` the UserId `AIDAX`).
    static func preferred(_ name: String) -> UInt32 {
        UIDAllocator.preferredUID(for: "AIDA\(name.uppercased())", in: range)
    }

    @Test(arguments: [true, false])
    func newAccountsGetTheUIDOfTheirIAMUserIDOnlyWithARange(deterministic: Bool) throws {
        var harness = PlanHarness(policy: SyncPolicy(deterministicUIDRange: deterministic ? Self.range : nil))
        let plan = try harness.run(Self.view)
        for name in ["alice", "bob"] {
            let uid = deterministic ? Self.preferred(name) : nil
            #expect(
                plan.actions.contains(.createUser(localName: name, iamUserName: name, uid: uid, groups: [F.marker])))
            #expect(plan.intentState.accounts[name]?.uid == uid)
        }
        #expect(plan.unassignedUIDs.isEmpty)
        #expect(try harness.plan(Self.view).isNoOp(from: harness.state))
    }

    @Test func aUIDInUseOnTheHostIsNeverChosen() throws {
        var host = F.baseHost()
        host.accounts["squatter"] = .init(name: "squatter", uid: Self.preferred("alice"), gid: 1)
        host.usedUIDs.insert(Self.preferred("alice"))
        let plan = try PlanHarness(host: host, policy: SyncPolicy(deterministicUIDRange: Self.range)).plan(Self.view)
        let uid = try #require(plan.intentState.accounts["alice"]?.uid)
        #expect(uid != Self.preferred("alice") && Self.range.contains(uid))
        #expect(plan.notices(.uidInUse).isEmpty)
        #expect(plan.createdNames == ["alice", "bob"])
    }

    @Test func aFullRangeLeavesOutOnlyTheUsersWithoutRoomAndSaysWhy() throws {
        let range: ClosedRange<UInt32> = 70_000...70_001
        var host = F.baseHost()
        host.usedUIDs.formUnion([70_000])
        // A creation a killed run left for carol: without a UID it is not repeated, and its entry is dropped.
        let state = ManagedState(accounts: [
            "carol": .init(iamUserName: "carol", iamUserID: "AIDACAROL", uid: nil, createdAt: F.now, status: .creating)
        ])
        let plan = try SyncPlanner.plan(
            view: IAMView(users: [F.user("alice"), F.user("carol")]), local: host, state: state,
            policy: SyncPolicy(deterministicUIDRange: range), now: F.now)
        #expect(plan.createdNames.count == 1)
        let left = try #require(plan.unassignedUIDs.first)
        #expect(plan.unassignedUIDs.count == 1)
        #expect(!plan.createdNames.contains(left.localName))
        #expect(left.message.contains("UID_RANGE 70000-70001"))
        #expect(left.message.hasSuffix("\(left.localName) is not created this run"))
        #expect(plan.finalState.accounts[left.localName] == nil)
    }
}
