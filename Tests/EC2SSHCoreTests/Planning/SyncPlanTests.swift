import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct SyncPlanTests {
    typealias F = PlanFixtures

    static func samplePlan() throws -> SyncPlan {
        var host = F.baseHost()
        host.groups.insert(F.marker)
        let view = IAMView(
            users: [F.user("alice"), F.user("root"), F.user("with space")], sudo: .all,
            groupMembers: [:], complete: true)
        let policy = SyncPolicy(localGroups: ["docker", "nosuchgroup"])
        return try SyncPlanner.plan(view: view, local: host, state: ManagedState(), policy: policy, now: F.now)
    }

    @Test func textSummaryHasOneLinePerItem() throws {
        let text = try Self.samplePlan().renderText()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            lines == [
                "Plan: 2 actions",
                "  create user alice (IAM alice, groups iam-synced-users,docker)",
                "  grant sudo to alice (/etc/sudoers.d/aws-ec2-ssh-alice)",
                "Conflicts (left alone):",
                "  root: local account root (uid 0) exists and was not created by import_users; it is left alone: "
                    + "not adopted, no sudo, no IAM keys, never deleted.",
                "Skipped IAM users:",
                "  IAM user \"with space\" cannot be mapped to a local name (allowed: "
                    + "letters, digits, '.', '_', '-', '+', '=', ',', '@'); it is not imported",
                "Notices:",
                "  [error] local group nosuchgroup (LOCAL_GROUPS or LOCAL_GROUP_MAP) does not exist; create it with "
                    + "groupadd or remove it from the configuration; the other groups are still applied",
                "",
            ])
    }

    @Test func emptyPlanSaysNothingToChange() {
        let plan = SyncPlan(
            complete: true, actions: [], conflicts: [], skipped: [], notices: [], intentState: ManagedState(),
            finalState: ManagedState())
        #expect(plan.renderText() == "Plan: nothing to change\n")
        #expect(plan.isNoOp(from: ManagedState()))
        #expect(!plan.hasErrors)
    }

    @Test(arguments: [
        (SyncPlan.Action.createGroup(name: "g"), "create group g"),
        (
            .createUser(localName: "a", iamUserName: "a", uid: 7, groups: ["m"]),
            "create user a (IAM a, uid 7, groups m)"
        ),
        (.addToGroups(localName: "a", groups: ["x", "y"]), "add a to groups x,y"),
        (.removeFromGroups(localName: "a", groups: ["x"]), "remove a from groups x"),
        (.writeSudoers(localName: "a", fileName: "f", content: "c"), "grant sudo to a (/etc/sudoers.d/f)"),
        (.removeSudoers(localName: "a", fileName: "f"), "revoke sudo from a (remove /etc/sudoers.d/f)"),
        (
            .removeLegacySudoers(localName: "a", fileName: "a"),
            "remove legacy sudoers file /etc/sudoers.d/a of adopted a"
        ),
        (
            .deleteUser(localName: "a", iamUserName: "b", sudoersFileName: "f"),
            "delete user a (IAM b): lock, end processes, userdel, remove sudoers and state"
        ),
    ])
    func actionSummaries(action: SyncPlan.Action, summary: String) {
        #expect(action.summary == summary)
        #expect(action.subject == (action == .createGroup(name: "g") ? "g" : "a"))
    }
}
