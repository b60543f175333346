import Testing

@testable import EC2SSHCore

/// Opt-in adoption of accounts created by the previous (bash) aws-ec2-ssh.
@Suite struct SyncPlannerAdoptionTests {
    typealias F = PlanFixtures

    static func legacyHost() -> LocalSnapshot {
        var host = F.baseHost()
        host.groups.insert(F.marker)
        host.accounts["first.last"] = .init(name: "first.last", uid: 1002, gid: 1002, groups: [F.marker, "audio"])
        host.accounts["bob"] = .init(name: "bob", uid: 1003, gid: 1003, groups: [F.marker])
        host.accounts["ubuntu"]?.groups.insert(F.marker)
        host.sudoersFiles["first last"] = "first.last ALL=(ALL) NOPASSWD:ALL\n"
        host.sudoersFiles["bob"] = "bob ALL=(ALL) ALL\n"
        return host
    }

    static let view = IAMView(
        users: [F.user("first.last"), F.user("bob"), F.user("ubuntu"), F.user("root")], sudo: .members(["first.last"]))

    @Test func adoptionIsOffByDefault() throws {
        let plan = try PlanHarness(host: Self.legacyHost(), policy: SyncPolicy()).plan(Self.view)
        #expect(plan.actions.isEmpty)
        #expect(plan.conflicts.map(\.localName) == ["bob", "first.last", "root", "ubuntu"])
        #expect(plan.finalState.accounts.isEmpty)
    }

    @Test func adoptsMarkerMembersAboveTheMinimumUIDAndReplacesTheLegacySudoersFile() throws {
        var harness = PlanHarness(
            host: Self.legacyHost(), policy: SyncPolicy(adoptLegacyAccounts: true, adoptionMinimumUID: 1002))
        let plan = try harness.run(Self.view)
        #expect(
            plan.actions == [
                .removeLegacySudoers(localName: "first.last", fileName: "first last"),
                .writeSudoers(
                    localName: "first.last", fileName: F.sudoersFileName("first.last"),
                    content: F.sudoersContent("first.last")),
            ])
        #expect(plan.notices(.adopted).map(\.subject) == ["bob", "first.last"])
        #expect(plan.conflicts.map(\.localName) == ["root", "ubuntu"])
        #expect(harness.state.accounts["first.last"]?.grantedGroups == [])
        #expect(harness.state.accounts["first.last"]?.uid == 1002)
        #expect(harness.host.sudoersFiles["bob"] == "bob ALL=(ALL) ALL\n")
        #expect(try harness.plan(Self.view).isNoOp(from: harness.state))
    }

    @Test func noAdoptionOnAnIncompleteRead() throws {
        let harness = PlanHarness(host: Self.legacyHost(), policy: SyncPolicy(adoptLegacyAccounts: true))
        var view = Self.view
        view.complete = false
        let plan = try harness.plan(view)
        #expect(plan.finalState.accounts.isEmpty)
        #expect(plan.notices(.adopted).isEmpty)
    }

    struct IndexCase: Sendable, CustomTestStringConvertible {
        var index: [String: String]?
        var adopted: [String]
        var unlocked: [String]
        var conflicts: [String]
        var testDescription: String { "index \(index.map { "\($0)" } ?? "none")" }
    }

    static let indexCases: [IndexCase] = [
        .init(index: nil, adopted: ["bob", "first.last"], unlocked: [], conflicts: ["root", "ubuntu"]),
        .init(
            index: ["bob": "AIDABOB", "first.last": "AIDAFIRST.LAST"], adopted: ["bob", "first.last"], unlocked: [],
            conflicts: ["root", "ubuntu"]),
        .init(
            index: ["bob": "AIDAFORMERBOB", "first.last": "AIDAFIRST.LAST"], adopted: ["first.last"], unlocked: [],
            conflicts: ["bob", "root", "ubuntu"]),
        .init(
            index: ["bob": "AIDABOB"], adopted: ["bob", "first.last"], unlocked: ["first.last"],
            conflicts: ["root", "ubuntu"]),
        .init(
            index: [:], adopted: ["bob", "first.last"], unlocked: ["bob", "first.last"], conflicts: ["root", "ubuntu"]),
    ]

    @Test(arguments: indexCases)
    func aRebuildChecksTheIndexOfManagedUsers(_ test: IndexCase) throws {
        var harness = PlanHarness(
            host: Self.legacyHost(), policy: SyncPolicy(adoptLegacyAccounts: true, adoptionMinimumUID: 1002))
        harness.stateFileExists = false
        harness.previousIndex = test.index.map(F.index)
        let plan = try harness.run(Self.view)
        #expect(plan.finalState.accounts.keys.sorted() == test.adopted)
        #expect(plan.finalState.accounts.values.allSatisfy { $0.lock == nil })
        let unlocked = plan.actions.compactMap { action -> String? in
            if case .unlockUser(let name) = action { return name }
            return nil
        }
        #expect(unlocked == test.unlocked)
        for name in test.unlocked { #expect(plan.intentState.accounts[name]?.lock == .unlocking) }
        #expect(plan.conflicts.map(\.localName) == test.conflicts)
        if test.conflicts.contains("bob") {
            #expect(plan.conflicts.first?.message.contains("AIDAFORMERBOB") == true)
        }
    }

    /// The index tells whose account it was only when the state is lost: with a state file, adoption ignores it.
    @Test func theIndexCountsOnlyWhenTheStateFileIsMissing() throws {
        var harness = PlanHarness(
            host: Self.legacyHost(), policy: SyncPolicy(adoptLegacyAccounts: true, adoptionMinimumUID: 1002))
        harness.previousIndex = F.index(["bob": "AIDAFORMERBOB", "first.last": "AIDAFIRST.LAST"])
        let withState = try harness.plan(Self.view)
        #expect(withState.finalState.accounts.keys.sorted() == ["bob", "first.last"])
        #expect(!withState.rebuildsState)
        harness.stateFileExists = false
        let rebuilt = try harness.plan(Self.view)
        #expect(rebuilt.finalState.accounts.keys.sorted() == ["first.last"])
        #expect(rebuilt.rebuildsState)
        harness.policy.adoptLegacyAccounts = false
        #expect(try !harness.plan(Self.view).rebuildsState)
    }
}
