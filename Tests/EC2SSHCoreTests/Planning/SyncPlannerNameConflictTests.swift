import Testing

@testable import EC2SSHCore

/// Names useradd would refuse because a group or a name-service user already holds them are conflicts, planned
/// before any action, so they never fail a run.
@Suite struct SyncPlannerNameConflictTests {
    typealias F = PlanFixtures

    @Test(arguments: ["staff", "users", "docker"])
    func anIAMUserNamedLikeALocalGroupIsAConflict(group: String) throws {
        var host = F.baseHost()
        host.groups.formUnion(["staff", "users"])
        let plan = try PlanHarness(host: host).plan(
            IAMView(users: [F.user(group), F.user("alice")], sudo: .all))
        #expect(plan.createdNames == ["alice"])
        #expect(!plan.actions.contains { $0.subject == group })
        #expect(plan.conflicts.map(\.localName) == [group])
        #expect(plan.conflicts.first?.iamUserName == group)
        #expect(plan.conflicts.first?.message.contains("local group \(group) exists") == true)
        #expect(plan.finalState.accounts[group] == nil && plan.intentState.accounts[group] == nil)
        #expect(!plan.hasErrors)
    }

    @Test func aNameTheNameServiceHoldsIsAConflict() throws {
        var host = F.baseHost()
        host.unavailableNames = ["ldapuser": "exists in the name service (LDAP, SSSD) but not in /etc/passwd"]
        let plan = try PlanHarness(host: host).plan(IAMView(users: [F.user("ldapuser"), F.user("alice")]))
        #expect(plan.createdNames == ["alice"])
        #expect(plan.conflicts.map(\.localName) == ["ldapuser"])
        #expect(plan.conflicts.first?.message.contains("LDAP, SSSD") == true)
        #expect(plan.finalState.accounts["ldapuser"] == nil)
    }

    @Test func aManagedAccountThatVanishedIsNotRecreatedOverAGroupOfItsName() throws {
        var host = F.baseHost()
        host.groups.formUnion([F.marker, "alice"])
        let state = ManagedState(accounts: [
            "alice": .init(iamUserName: "alice", iamUserID: "AIDAALICE", uid: 2000, createdAt: F.now)
        ])
        let plan = try SyncPlanner.plan(
            view: IAMView(users: [F.user("alice")]), local: host, state: state, policy: SyncPolicy(), now: F.now)
        #expect(plan.createdNames.isEmpty)
        #expect(plan.conflicts.map(\.localName) == ["alice"])
        #expect(plan.finalState.accounts["alice"] == nil)
    }

    /// An interrupted creation with a deterministic UID finishes over the group it left.
    ///
    /// With deterministic UIDs the user's group is created first; a run killed right after groupadd leaves that
    /// group, and the next run must finish the creation (the executor reuses the group only if its GID matches).
    /// Without deterministic UIDs the same group blocks useradd, so the UID step must run inside the plan.
    @Test(arguments: [true, false])
    func anInterruptedCreationWithADeterministicUIDMayReuseItsGroup(deterministic: Bool) throws {
        let range: ClosedRange<UInt32> = 70_000...70_999
        let uid = UIDAllocator.preferredUID(for: "AIDAALICE", in: range)
        var host = F.baseHost()
        host.groups.formUnion([F.marker, "alice"])
        host.usedGIDs.insert(uid)
        host.groupIDs["alice"] = uid
        let state = ManagedState(accounts: [
            "alice": .init(iamUserName: "alice", iamUserID: "AIDAALICE", uid: uid, createdAt: F.now, status: .creating)
        ])
        let plan = try SyncPlanner.plan(
            view: IAMView(users: [F.user("alice")]), local: host, state: state,
            policy: SyncPolicy(deterministicUIDRange: deterministic ? range : nil), now: F.now)
        if deterministic {
            #expect(
                plan.actions.contains(
                    .createUser(localName: "alice", iamUserName: "alice", uid: uid, groups: [F.marker])))
            #expect(plan.conflicts.isEmpty)
        } else {
            #expect(plan.createdNames.isEmpty)
            #expect(plan.conflicts.map(\.localName) == ["alice"])
        }
    }
}
