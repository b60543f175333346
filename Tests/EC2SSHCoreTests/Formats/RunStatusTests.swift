import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct RunStatusTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    func status(exitCode: Int32, lastSuccess: Date?) -> RunStatus {
        RunStatus(
            startedAt: Self.start, finishedAt: Self.start + 2.5, exitCode: exitCode, error: nil,
            counts: .init(created: 1, updated: 2, locked: 0, deleted: 3, conflicts: 4, failures: 5), managedAccounts: 6,
            lastSuccessAt: lastSuccess, version: "1.2.3")
    }

    @Test func thePrometheusTextHasEveryFigure() {
        let text = status(exitCode: 4, lastSuccess: Self.start - 600).prometheusText()
        let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
        #expect(
            samples == [
                "aws_ec2_ssh_import_last_run_start_timestamp_seconds 1800000000",
                "aws_ec2_ssh_import_last_run_timestamp_seconds 1800000002",
                "aws_ec2_ssh_import_last_run_duration_seconds 2.5",
                "aws_ec2_ssh_import_last_run_exit_code 4",
                "aws_ec2_ssh_import_last_run_success 0",
                "aws_ec2_ssh_import_last_success_timestamp_seconds 1799999400",
                "aws_ec2_ssh_import_last_run_accounts{change=\"created\"} 1",
                "aws_ec2_ssh_import_last_run_accounts{change=\"updated\"} 2",
                "aws_ec2_ssh_import_last_run_accounts{change=\"locked\"} 0",
                "aws_ec2_ssh_import_last_run_accounts{change=\"deleted\"} 3",
                "aws_ec2_ssh_import_last_run_conflicts 4",
                "aws_ec2_ssh_import_last_run_failures 5",
                "aws_ec2_ssh_import_managed_accounts 6",
            ])
        #expect(text.contains("# TYPE aws_ec2_ssh_import_last_run_success gauge\n"))
        #expect(text.hasSuffix("\n"))
    }

    @Test(arguments: [(Int32(0), "ok"), (4, "partial"), (3, "failed"), (2, "failed")])
    func resultFollowsTheExitStatus(exitCode: Int32, result: String) {
        #expect(status(exitCode: exitCode, lastSuccess: nil).result == result)
    }

    @Test func neverSucceededIsZeroAndTheJSONReadsBack() throws {
        let never = status(exitCode: 3, lastSuccess: nil)
        #expect(never.prometheusText().contains("aws_ec2_ssh_import_last_success_timestamp_seconds 0\n"))
        #expect(RunStatus.previousLastSuccess(from: Data(never.json().text().utf8)) == nil)
        let once = status(exitCode: 3, lastSuccess: Self.start)
        #expect(RunStatus.previousLastSuccess(from: Data(once.json().text().utf8)) == Self.start)
        #expect(RunStatus.previousLastSuccess(from: Data("{".utf8)) == nil)
    }

    @Test func countsComeFromAppliedActionsOnly() {
        let plan = SyncPlan(
            complete: true,
            actions: [
                .createUser(localName: "a", iamUserName: "a", uid: nil, groups: []),
                .writeSudoers(localName: "a", fileName: "f", content: "c"),
                .addToGroups(localName: "b", groups: ["x"]), .writeSudoers(localName: "b", fileName: "g", content: "c"),
                .removeFromGroups(localName: "c", groups: ["x"]),
                .deleteUser(localName: "d", iamUserName: "d", sudoersFileName: "h"),
            ],
            conflicts: [.init(localName: "root", iamUserName: "root", message: "m")], skipped: [], notices: [],
            intentState: ManagedState(), finalState: ManagedState())
        var outcomes = ActionOutcomes(count: plan.actions.count)
        for index in 0..<4 { outcomes.applied(index) }
        outcomes.failed(4, message: "no")
        let counts = RunStatus.Counts(plan: plan, outcomes: outcomes, failures: 1)
        #expect(counts == .init(created: 1, updated: 1, locked: 0, deleted: 0, conflicts: 1, failures: 1))
        #expect(outcomes.appliedCount == 4 && outcomes.failedCount == 1 && outcomes.skippedCount == 1)
        #expect(RunStatus.Counts(plan: plan, outcomes: nil, failures: 0).created == 0)
    }

    @Test func aLockCountsAsLockedAndAnUnlockAsUpdated() {
        let plan = SyncPlan(
            complete: true,
            actions: [
                .removeSudoers(localName: "a", fileName: "f"), .lockUser(localName: "a"), .lockUser(localName: "b"),
                .unlockUser(localName: "c"),
            ],
            conflicts: [], skipped: [], notices: [], intentState: ManagedState(), finalState: ManagedState())
        var outcomes = ActionOutcomes(count: plan.actions.count)
        for index in 0..<4 { outcomes.applied(index) }
        let counts = RunStatus.Counts(plan: plan, outcomes: outcomes, failures: 0)
        #expect(counts == .init(created: 0, updated: 2, locked: 2, deleted: 0, conflicts: 0, failures: 0))
    }

    @Test(arguments: [
        ("{", "it is not valid JSON"),
        ("{\"version\": 1}", "the field accounts is missing"),
        ("{\"version\": 1, \"accounts\": []}", "the field accounts has the wrong type"),
    ])
    func corruptStateFilesSayWhatIsWrong(text: String, problem: String) {
        #expect {
            _ = try ManagedState.decoded(from: Data(text.utf8))
        } throws: { error in
            "\(error)".contains(problem) && !"\(error)".contains("DecodingError")
        }
    }
}
