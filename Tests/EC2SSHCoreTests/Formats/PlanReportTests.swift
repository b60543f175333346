import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Format 1 of the `--json` document as README.md documents it, read with the standard decoder.
struct PlanDocument: Decodable {
    struct Action: Decodable {
        var type: String
        var summary: String
        var result: String
        var message: String?
        var localName: String?
        var groups: [String]?
        var sudoersFile: String?
    }
    struct Conflict: Decodable {
        var localName: String
        var iamUserName: String?
        var message: String
    }
    struct SkippedUser: Decodable {
        var iamUserName: String
        var localName: String?
        var reason: String
        var message: String
    }
    struct Notice: Decodable {
        var severity: String
        var kind: String
        var subject: String?
        var message: String
    }
    var format: Int
    var mode: String
    var complete: Bool
    var actions: [Action]
    var conflicts: [Conflict]
    var skippedUsers: [SkippedUser]
    var notices: [Notice]
    var summary: [String: Int]
}

@Suite struct PlanReportTests {
    /// The document through the standard decoder, so the assertions do not depend on the layout.
    func decoded(_ report: PlanReport) throws -> PlanDocument {
        try JSONDecoder().decode(PlanDocument.self, from: Data(report.json().text().utf8))
    }

    @Test func aDryRunListsPlannedActionsAsTypedObjectsWithoutInternalState() throws {
        let plan = try SyncPlanTests.samplePlan()
        let text = PlanReport(plan: plan, outcomes: nil).json().text()
        let document = try decoded(PlanReport(plan: plan, outcomes: nil))
        #expect(document.format == 1)
        #expect(document.mode == "dry-run")
        #expect(document.complete)
        let actions = document.actions
        #expect(actions.map(\.type) == ["createUser", "writeSudoers"])
        #expect(actions.allSatisfy { $0.result == "planned" && $0.message == nil })
        #expect(actions.first?.localName == "alice")
        #expect(actions.first?.groups == ["iam-synced-users", "docker"])
        #expect(actions.last?.sudoersFile == "aws-ec2-ssh-alice")
        #expect(document.skippedUsers.map(\.reason) == ["invalidName"])
        #expect(document.notices.map(\.kind) == ["missingLocalGroup"])
        #expect(document.conflicts.map(\.localName) == ["root"])
        #expect(document.summary == ["actions": 2, "conflicts": 1, "skippedUsers": 1, "errors": 1])
        for piece in ["intentState", "finalState", "\"createUser\": {", "\\/"] {
            #expect(!text.contains(piece), "the report contains \(piece)")
        }
        #expect(text.contains("/etc/sudoers.d/aws-ec2-ssh-alice"))
    }

    @Test func aRealRunReportsEachActionsResultAndASummary() throws {
        let plan = try SyncPlanTests.samplePlan()
        var outcomes = ActionOutcomes(count: plan.actions.count)
        outcomes.failed(0, message: "useradd exited 9")
        let document = try decoded(PlanReport(plan: plan, outcomes: outcomes))
        #expect(document.mode == "apply")
        #expect(document.actions.map(\.result) == ["failed", "skipped"])
        #expect(document.actions.map(\.message) == ["useradd exited 9", nil])
        #expect(
            document.summary == [
                "actions": 2, "applied": 0, "failed": 1, "skipped": 1, "conflicts": 1, "skippedUsers": 1, "errors": 1,
            ])
    }

    @Test func anEmptyPlanPrintsEmptyArrays() {
        let plan = SyncPlan(
            complete: true, actions: [], conflicts: [], skipped: [], notices: [], intentState: ManagedState(),
            finalState: ManagedState())
        let text = PlanReport(plan: plan, outcomes: ActionOutcomes(count: 0)).json().text()
        for key in ["actions", "conflicts", "skippedUsers", "notices"] {
            #expect(text.contains("\"\(key)\": []"), "\(key) is not []")
        }
    }

    @Test(arguments: [
        (SyncPlan.Action.createGroup(name: "g"), "createGroup"),
        (.createUser(localName: "a", iamUserName: "a", uid: 7, groups: ["m"]), "createUser"),
        (.addToGroups(localName: "a", groups: ["x"]), "addToGroups"),
        (.removeFromGroups(localName: "a", groups: ["x"]), "removeFromGroups"),
        (.writeSudoers(localName: "a", fileName: "f", content: "c"), "writeSudoers"),
        (.removeSudoers(localName: "a", fileName: "f"), "removeSudoers"),
        (.removeLegacySudoers(localName: "a", fileName: "a"), "removeLegacySudoers"),
        (.deleteUser(localName: "a", iamUserName: "b", sudoersFileName: "f"), "deleteUser"),
        (.lockUser(localName: "a"), "lockUser"), (.unlockUser(localName: "a"), "unlockUser"),
    ])
    func everyActionHasItsType(action: SyncPlan.Action, type: String) throws {
        guard case .object(let members) = PlanReport.json(action, outcome: .applied) else {
            Issue.record("not an object")
            return
        }
        #expect(members.first?.0 == "type")
        #expect(members.first?.1 == .string(type))
        #expect(members.contains { $0.0 == "summary" && $0.1 == .string(action.summary) })
        #expect(members.last?.1 == .string("applied"))
    }
}

@Suite struct JSONValueTests {
    @Test(arguments: [
        (JSONValue.null, "null"), (.bool(true), "true"), (.int(-3), "-3"), (.double(1.5), "1.5"),
        (.double(.infinity), "null"), (.string("a/b \"q\" \\ \n\u{1}"), "\"a/b \\\"q\\\" \\\\ \\n\\u0001\""),
        (.array([]), "[]"), (.object([]), "{}"),
        (.array([.int(1), .array([])]), "[\n  1,\n  []\n]"),
        (
            .object([("b", .int(1)), ("a", .object([("c", .null)]))]),
            "{\n  \"b\": 1,\n  \"a\": {\n    \"c\": null\n  }\n}"
        ),
    ])
    func writesTheFixedLayout(value: JSONValue, text: String) {
        #expect(value.text() == text + "\n")
    }

    @Test func escapedStringsReadBackUnchanged() throws {
        let original = "a/b \"q\" \\ \n\u{1}\t é ✓"
        let text = JSONValue.array([.string(original)]).text()
        #expect(try JSONDecoder().decode([String].self, from: Data(text.utf8)) == [original])
    }
}
