import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The report of `import_users check`: verdict, text for people, and the JSON document (format 1).
@Suite struct PermissionReportTests {
    typealias P = PermissionRequirements

    /// Format 1 of the `check --json` document as README.md documents it.
    struct Document: Decodable {
        struct Check: Decodable {
            var action: String
            var subject: String?
            var neededBy: [String]
            var reason: String
            var credentials: String
            var result: String
            var code: String?
            var message: String?
            var statement: [String: String]?
        }
        struct Summary: Decodable {
            var checks: Int
            var allowed: Int
            var denied: Int
            var errors: Int
            var skipped: Int
        }
        var format: Int
        var mode: String
        var result: String
        var checks: [Check]
        var missingActions: [String]
        var summary: Summary
    }

    static let groups = PermissionNeed(
        action: P.listGroupsForUser, neededBy: [P.keyCommand], reason: "live check", principal: .host)
    static let keys = PermissionNeed(
        action: P.listSSHPublicKeys, neededBy: [P.keyCommand], reason: "logins", principal: .host)
    static let group = PermissionNeed(
        action: P.getGroup, subject: "ssh", neededBy: [P.importUsers], reason: "IAM_AUTHORIZED_GROUPS",
        principal: .host)

    @Test(arguments: [
        ([PermissionReport.Status.allowed(note: nil), .allowed(note: "x")], PermissionReport.Verdict.allowed),
        ([.allowed(note: nil), .error("timed out")], .incomplete),
        ([.skipped("no role"), .allowed(note: nil)], .incomplete),
        ([.error("timed out"), .denied(code: "AccessDenied", message: "no")], .denied),
    ])
    func deniedWinsThenAnythingUnchecked(statuses: [PermissionReport.Status], verdict: PermissionReport.Verdict) {
        let report = PermissionReport(
            results: statuses.map { PermissionReport.Result(need: Self.keys, status: $0) }, roleARN: "")
        #expect(report.verdict == verdict)
    }

    func deniedReport(role: String = "") -> PermissionReport {
        var groups = Self.groups
        if !role.isEmpty { groups.principal = .assumedRole }
        return PermissionReport(
            results: [
                .init(need: Self.group, status: .allowed(note: nil)),
                .init(need: Self.keys, status: .error("timed out: 127.0.0.1")),
                .init(
                    need: groups,
                    status: .denied(
                        code: "AccessDenied", message: "User: u is not authorized to perform: iam:ListGroupsForUser")),
            ], roleARN: role)
    }

    @Test func theTextNamesEachActionAndTheStatementToAdd() {
        let text = deniedReport().renderText()
        #expect(text.contains("  allowed  iam:GetGroup ssh       (import_users: IAM_AUTHORIZED_GROUPS)"))
        #expect(text.contains("  error    iam:ListSSHPublicKeys"))
        #expect(text.contains("\n           could not check: timed out: 127.0.0.1\n"))
        #expect(text.contains("  DENIED   iam:ListGroupsForUser  (authorized_keys_command: live check)"))
        #expect(text.contains("AccessDenied: User: u is not authorized"))
        #expect(
            text.contains(
                "Missing: iam:ListGroupsForUser. Add to the policy of the host's own credentials (its instance role):"))
        #expect(
            text.contains(
                "        \"Action\": \"iam:ListGroupsForUser\",\n        \"Resource\": \"arn:aws:iam::*:user/*\""))
        #expect(text.hasSuffix("1 action(s) denied: logins or imports will fail until the policy grants them.\n"))
    }

    @Test func withASSUMEROLETheIAMStatementGoesToTheRole() {
        let text = deniedReport(role: "arn:aws:iam::1:role/ssh").renderText()
        #expect(text.contains("Add to the policy of the role arn:aws:iam::1:role/ssh (ASSUMEROLE):"))
        #expect(!text.contains("instance role"))
    }

    @Test func anAllowedReportSaysSo() {
        let report = PermissionReport(results: [.init(need: Self.keys, status: .allowed(note: nil))], roleARN: "")
        #expect(report.renderText().hasSuffix("All 1 actions are allowed.\n"))
        #expect(!report.renderText().contains("Missing"))
        #expect(report.missingActions.isEmpty)
    }

    @Test func theJSONDocumentHasFormat1() throws {
        let report = deniedReport()
        let text = report.json().text()
        let document = try JSONDecoder().decode(Document.self, from: Data(text.utf8))
        #expect(document.format == 1)
        #expect(document.mode == "check")
        #expect(document.result == "denied")
        #expect(document.missingActions == [P.listGroupsForUser])
        #expect(document.checks.map(\.result) == ["allowed", "error", "denied"])
        #expect(document.checks.map(\.subject) == ["ssh", nil, nil])
        #expect(document.checks[2].code == "AccessDenied")
        #expect(document.checks[2].credentials == "host")
        #expect(document.checks[2].statement?["Action"] == P.listGroupsForUser)
        #expect(document.checks[0].statement == nil && document.checks[1].statement == nil)
        #expect(document.checks[1].message == "timed out: 127.0.0.1")
        #expect(document.summary.checks == 3 && document.summary.denied == 1 && document.summary.errors == 1)
        #expect(text.contains("\"policies\": {\n    \"host\": {\n      \"Version\": \"2012-10-17\""))
    }

    @Test func theSummaryLineNamesWhatIsMissing() {
        #expect(deniedReport().summaryLine.contains("denied: iam:ListGroupsForUser;"))
    }
}
