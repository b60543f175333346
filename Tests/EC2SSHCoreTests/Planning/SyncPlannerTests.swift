import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct SyncPlannerTests {
    typealias F = PlanFixtures

    static let team = IAMView(
        users: [F.user("alice"), F.user("bob"), F.user("carol@example.com")], sudo: .members(["alice"]))

    @Test func freshHostCreatesMarkerGroupUsersAndSudo() throws {
        let harness = PlanHarness()
        let plan = try harness.plan(Self.team)
        let alice = F.sudoersFileName("alice")
        #expect(
            plan.actions == [
                .createGroup(name: F.marker),
                .createUser(localName: "alice", iamUserName: "alice", uid: nil, groups: [F.marker, "docker"]),
                .createUser(localName: "bob", iamUserName: "bob", uid: nil, groups: [F.marker, "docker"]),
                .createUser(
                    localName: "carol.at.example.com", iamUserName: "carol@example.com", uid: nil,
                    groups: [F.marker, "docker"]),
                .writeSudoers(localName: "alice", fileName: alice, content: F.sudoersContent("alice")),
            ])
        #expect(plan.intentState.accounts["alice"]?.status == .creating)
        #expect(plan.finalState.accounts["alice"]?.status == .active)
        #expect(plan.finalState.accounts["alice"]?.sudo == true)
        #expect(plan.finalState.accounts["bob"]?.sudo == false)
        #expect(plan.finalState.accounts["bob"]?.grantedGroups == ["docker"])
        #expect(plan.finalState.accounts["bob"]?.createdAt == F.now)
        #expect(plan.conflicts.isEmpty)
        #expect(!plan.hasErrors)
    }

    @Test func secondRunWithIdenticalStateIsANoOp() throws {
        var harness = PlanHarness()
        try harness.run(Self.team)
        let before = harness.state
        let plan = try harness.plan(Self.team)
        #expect(plan.actions.isEmpty)
        #expect(plan.isNoOp(from: before))
        #expect(plan.notices.isEmpty)
    }

    @Test func runWithoutRecordedUIDsOnlyRecordsThemThenIsANoOp() throws {
        var harness = PlanHarness()
        let first = try harness.plan(Self.team)
        for action in first.actions { harness.simulator.apply(action) }
        harness.state = first.finalState
        let second = try harness.run(Self.team)
        #expect(second.actions.isEmpty)
        #expect(second.finalState.accounts["alice"]?.uid == harness.host.accounts["alice"]?.uid)
        #expect(try harness.plan(Self.team).isNoOp(from: harness.state))
    }

    @Test func userRemovedFromIAMIsDeleted() throws {
        var harness = PlanHarness()
        try harness.run(Self.team)
        let view = IAMView(users: [F.user("alice"), F.user("carol@example.com")], sudo: .members(["alice"]))
        let plan = try harness.run(view)
        #expect(
            plan.actions == [
                .deleteUser(localName: "bob", iamUserName: "bob", sudoersFileName: F.sudoersFileName("bob"))
            ])
        #expect(plan.intentState.accounts["bob"]?.status == .deleting)
        #expect(plan.finalState.accounts["bob"] == nil)
        #expect(harness.host.accounts["bob"] == nil)
        #expect(try harness.plan(view).isNoOp(from: harness.state))
    }

    @Test func missingRunsGuardWaitsForNConsecutiveCompleteRuns() throws {
        var harness = PlanHarness(policy: SyncPolicy(localGroups: ["docker"], deleteAfterMissingRuns: 3))
        try harness.run(Self.team)
        let without = IAMView(users: [F.user("alice"), F.user("carol@example.com")], sudo: .members(["alice"]))
        for run in 1...2 {
            let plan = try harness.run(without)
            // Locked at once (revocation), deleted only after the third run (destruction).
            #expect(plan.actions == (run == 1 ? [.lockUser(localName: "bob")] : []))
            #expect(plan.notices(.pendingDeletion).count == 1)
            #expect(harness.state.accounts["bob"]?.missingRuns == run)
        }
        #expect(try harness.run(Self.team).actions == [.unlockUser(localName: "bob")])
        #expect(harness.state.accounts["bob"]?.missingRuns == 0)
        for _ in 1...2 { try harness.run(without) }
        #expect(try harness.run(without).deletedNames == ["bob"])
    }

    @Test(arguments: [
        // (managed, removed, force, always allowed, deleted)
        (4, 3, false, 1, 0), (4, 3, true, 1, 3), (4, 2, false, 1, 2), (1, 1, false, 1, 1), (1, 1, false, 0, 0),
        (3, 2, false, 1, 0), (10, 5, false, 1, 5),
    ])
    func deletionCap(managed: Int, removed: Int, force: Bool, alwaysAllowed: Int, deleted: Int) throws {
        let names = (0..<managed).map { "user\($0)" }
        var harness = PlanHarness(
            policy: SyncPolicy(deletionsAlwaysAllowed: alwaysAllowed, force: force))
        try harness.run(IAMView(users: names.map { F.user($0) }))
        let plan = try harness.run(IAMView(users: names.dropFirst(removed).map { F.user($0) }))
        #expect(plan.deletedNames.count == deleted)
        let refused = plan.notices(.deletionCapExceeded).filter { $0.severity == .error }
        if deleted == 0 {
            let message = try #require(refused.first?.message)
            #expect(message.contains("\(removed) of \(managed)"))
            #expect(message.contains("50%"))
            #expect(message.contains("--force"))
            #expect(plan.actions == names.prefix(removed).map { .lockUser(localName: $0) })
            #expect(harness.state.accounts["user0"]?.missingRuns == 1)
            #expect(harness.state.accounts["user0"]?.lock == .locked)
        } else {
            #expect(refused.isEmpty)
        }
    }

    @Test func incompleteReadOnlyCreatesAddsAndGrantsWhatTheReadsThatSucceededShow() throws {
        var harness = PlanHarness(
            policy: SyncPolicy(
                localGroups: ["docker"], groupMap: [.init(iamGroup: "devs", localGroup: "audio")]))
        try harness.run(
            IAMView(
                users: Self.team.users, sudo: .members(["alice"]), groupMembers: ["devs": ["alice", "bob"]]))
        let before = harness.state
        let partial = IAMView(
            users: [F.user("alice"), F.user("dave")], sudo: .members(["dave"]), groupMembers: ["devs": ["dave"]],
            complete: false, failedReads: ["GetGroup admins: Throttling"])
        let plan = try harness.plan(partial)
        // dave is listed by a sudoers read that succeeded: he gets sudo; nobody loses anything.
        #expect(
            plan.actions == [
                .createUser(localName: "dave", iamUserName: "dave", uid: nil, groups: [F.marker, "audio", "docker"]),
                .writeSudoers(
                    localName: "dave", fileName: F.sudoersFileName("dave"), content: F.sudoersContent("dave")),
            ])
        #expect(plan.finalState.accounts["dave"]?.sudo == true)
        #expect(plan.finalState.accounts["bob"] == before.accounts["bob"])
        #expect(plan.finalState.accounts["alice"] == before.accounts["alice"])
        let notice = try #require(plan.notices(.incompleteRead).first)
        #expect(notice.severity == .error)
        #expect(notice.message.contains("GetGroup admins: Throttling"))
        #expect(plan.hasErrors)
    }

    @Test func failedReadsMakeAViewIncompleteEvenWhenFlaggedComplete() throws {
        var harness = PlanHarness()
        try harness.run(Self.team)
        let view = IAMView(users: [F.user("alice")], complete: true, failedReads: ["ListUsers page 2: timeout"])
        let plan = try harness.plan(view)
        #expect(plan.actions.isEmpty)
        #expect(!plan.complete)
    }

    @Test func preExistingSystemAccountsAreConflictsAndNeverTouched() throws {
        var host = F.baseHost()
        host.accounts["ubuntu"]?.groups.insert(F.marker)
        host.groups.insert(F.marker)
        var harness = PlanHarness(host: host)
        let view = IAMView(users: [F.user("root"), F.user("ec2-user"), F.user("ubuntu"), F.user("alice")], sudo: .all)
        let plan = try harness.run(view)
        #expect(plan.conflicts.map(\.localName) == ["root", "ec2-user", "ubuntu"].sorted())
        #expect(plan.conflicts.allSatisfy { $0.message.contains("not created by import_users") })
        #expect(plan.conflicts.first { $0.localName == "ubuntu" }?.message.contains("marker group") == true)
        #expect(Set(plan.actions.map(\.subject)) == ["alice"])
        #expect(plan.finalState.accounts.keys.sorted() == ["alice"])
        let again = try harness.plan(IAMView(users: [F.user("alice")], sudo: .all))
        #expect(again.actions.isEmpty)
        #expect(harness.host.accounts["root"] == host.accounts["root"])
        #expect(harness.host.sudoersFiles["90-cloud-init-users"] != nil)
    }

    @Test func recreatedIAMUserGetsANewAccountOnlyAfterTheOldOneIsDeleted() throws {
        var harness = PlanHarness()
        try harness.run(IAMView(users: [F.user("alice", id: "AIDAOLD"), F.user("bob")]))
        let view = IAMView(users: [F.user("alice", id: "AIDANEW"), F.user("bob")])
        let first = try harness.run(view)
        #expect(first.deletedNames == ["alice"])
        #expect(first.createdNames.isEmpty)
        #expect(first.notices(.recreatedIAMUser).count == 1)
        let second = try harness.run(view)
        #expect(second.createdNames == ["alice"])
        #expect(harness.state.accounts["alice"]?.iamUserID == "AIDANEW")
    }

    @Test func recreatedIAMUserIsNotDeletedOnAnIncompleteRead() throws {
        var harness = PlanHarness()
        try harness.run(IAMView(users: [F.user("alice", id: "AIDAOLD")]))
        let plan = try harness.plan(IAMView(users: [F.user("alice", id: "AIDANEW")], complete: false))
        #expect(plan.actions.isEmpty)
        #expect(plan.finalState == harness.state)
    }
}
