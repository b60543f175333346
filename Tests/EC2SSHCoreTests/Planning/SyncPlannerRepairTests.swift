import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Crash repair: every lifecycle status, and a kill between any two actions.
@Suite struct SyncPlannerRepairTests {
    typealias F = PlanFixtures
    typealias Status = ManagedState.Status

    enum AccountOnHost: String, CaseIterable, Sendable {
        case missing, ours, notInMarker, otherUID
    }

    struct RepairCase: Sendable, CustomTestStringConvertible {
        var status: Status
        var account: AccountOnHost
        var desired: Bool
        var complete = true
        var expectedActions: [String]
        var expectedStatus: Status?
        var conflict = false

        var testDescription: String { "\(status) + \(account) + desired \(desired) + complete \(complete)" }
    }

    static let repairCases: [RepairCase] = [
        .init(
            status: .creating, account: .missing, desired: true, expectedActions: ["create alice"],
            expectedStatus: .active),
        .init(
            status: .creating, account: .missing, desired: false, expectedActions: ["revoke alice"], expectedStatus: nil
        ),
        .init(
            status: .creating, account: .ours, desired: true, expectedActions: ["grant alice"], expectedStatus: .active),
        .init(
            status: .creating, account: .ours, desired: false, expectedActions: ["delete alice"], expectedStatus: nil),
        .init(
            status: .creating, account: .notInMarker, desired: true, expectedActions: [], expectedStatus: nil,
            conflict: true),
        .init(
            status: .active, account: .missing, desired: true, expectedActions: ["create alice"],
            expectedStatus: .active),
        .init(
            status: .active, account: .missing, desired: false, expectedActions: ["revoke alice"], expectedStatus: nil),
        .init(
            status: .active, account: .notInMarker, desired: false, expectedActions: [], expectedStatus: nil,
            conflict: true),
        .init(
            status: .active, account: .otherUID, desired: true, expectedActions: [], expectedStatus: nil, conflict: true
        ),
        .init(status: .deleting, account: .ours, desired: true, expectedActions: ["delete alice"], expectedStatus: nil),
        .init(
            status: .deleting, account: .ours, desired: false, expectedActions: ["delete alice"], expectedStatus: nil),
        .init(
            status: .deleting, account: .ours, desired: false, complete: false, expectedActions: [],
            expectedStatus: .deleting),
        .init(
            status: .deleting, account: .missing, desired: true, expectedActions: ["revoke alice"], expectedStatus: nil),
        .init(
            status: .deleting, account: .notInMarker, desired: true, expectedActions: [], expectedStatus: nil,
            conflict: true),
    ]

    @Test(arguments: repairCases)
    func repairsEachLifecycleStatus(_ repair: RepairCase) throws {
        var host = F.baseHost()
        host.groups.insert(F.marker)
        switch repair.account {
        case .missing:
            // A sudoers file left behind by the interrupted run.
            host.sudoersFiles[F.sudoersFileName("alice")] = F.sudoersContent("alice")
        case .ours:
            host.accounts["alice"] = .init(name: "alice", uid: 2000, gid: 2000, groups: [F.marker])
        case .notInMarker:
            host.accounts["alice"] = .init(name: "alice", uid: 2000, gid: 2000)
        case .otherUID:
            host.accounts["alice"] = .init(name: "alice", uid: 2999, gid: 2999, groups: [F.marker])
        }
        let entry = ManagedState.Account(
            iamUserName: "alice", iamUserID: "AIDAALICE", uid: repair.status == .creating ? nil : 2000,
            createdAt: F.now, sudo: repair.account == .missing, status: repair.status)
        let state = ManagedState(accounts: [
            "alice": entry, "bob": .init(iamUserName: "bob", iamUserID: "AIDABOB", uid: 2001, createdAt: F.now),
        ])
        host.accounts["bob"] = .init(name: "bob", uid: 2001, gid: 2001, groups: [F.marker])
        let users = (repair.desired ? [F.user("alice")] : []) + [F.user("bob")]
        let view = IAMView(users: users, sudo: .members(["alice"]), complete: repair.complete)
        let plan = try SyncPlanner.plan(view: view, local: host, state: state, policy: SyncPolicy(), now: F.now)
        let kinds = plan.actions.map { action -> String in
            switch action {
            case .createUser(let name, _, _, _): return "create \(name)"
            case .deleteUser(let name, _, _): return "delete \(name)"
            case .removeSudoers(let name, _): return "revoke \(name)"
            case .writeSudoers(let name, _, _): return "grant \(name)"
            default: return action.summary
            }
        }
        #expect(kinds == repair.expectedActions)
        #expect(plan.finalState.accounts["alice"]?.status == repair.expectedStatus)
        #expect(plan.conflicts.map(\.localName) == (repair.conflict ? ["alice"] : []))
        #expect(plan.finalState.accounts["bob"] == state.accounts["bob"])
        if repair.expectedActions.contains("delete alice") {
            #expect(plan.intentState.accounts["alice"]?.status == .deleting)
        }
        if repair.expectedActions.contains("create alice") {
            #expect(plan.intentState.accounts["alice"]?.status == .creating)
        }
    }

    @Test func creatingEntryFoundInMarkerGroupRecordsItsUID() throws {
        var host = F.baseHost()
        host.groups.insert(F.marker)
        host.accounts["alice"] = .init(name: "alice", uid: 2345, gid: 2345, groups: [F.marker, "docker"])
        let state = ManagedState(accounts: [
            "alice": .init(
                iamUserName: "alice", iamUserID: "AIDAALICE", uid: nil, createdAt: F.now, grantedGroups: ["docker"],
                status: .creating)
        ])
        let policy = SyncPolicy(localGroups: ["docker"])
        let plan = try SyncPlanner.plan(
            view: IAMView(users: [F.user("alice")]), local: host, state: state, policy: policy, now: F.now)
        #expect(plan.actions.isEmpty)
        #expect(plan.finalState.accounts["alice"]?.uid == 2345)
        #expect(plan.notices(.repaired).count == 1)
    }

    @Test func missingMarkerGroupHoldsManagedAccountsAndRecreatesTheGroup() throws {
        var host = F.baseHost()
        host.accounts["alice"] = .init(name: "alice", uid: 2000, gid: 2000)
        let state = ManagedState(accounts: [
            "alice": .init(iamUserName: "alice", iamUserID: "AIDAALICE", uid: 2000, createdAt: F.now)
        ])
        let plan = try SyncPlanner.plan(
            view: IAMView(users: []), local: host, state: state, policy: SyncPolicy(), now: F.now)
        #expect(plan.actions == [.createGroup(name: F.marker)])
        #expect(plan.finalState == state)
        #expect(plan.notices(.held).first?.message.contains("usermod -aG") == true)
    }

    // MARK: - A kill between any two actions

    struct Step: Sendable {
        var view: IAMView
    }

    static let before = IAMView(
        users: [F.user("alice"), F.user("bob"), F.user("carol"), F.user("erin", id: "AIDAOLD")],
        sudo: .members(["alice", "bob"]), groupMembers: ["devs": ["alice"]])
    static let after = IAMView(
        users: [F.user("alice"), F.user("carol"), F.user("dave"), F.user("erin", id: "AIDANEW")],
        sudo: .members(["carol", "dave"]), groupMembers: ["devs": ["carol"]])

    static let policy = SyncPolicy(
        localGroups: ["audio"], groupMap: [.init(iamGroup: "devs", localGroup: "docker")], maxDeletePercent: 100)

    /// Runs plans and executes them until a plan changes nothing; returns the runs needed.
    static func converge(_ harness: inout PlanHarness, view: IAMView) throws -> Int {
        for run in 1...5 {
            let plan = try harness.plan(view)
            if plan.isNoOp(from: harness.state) { return run }
            harness.state = harness.simulator.execute(plan)
        }
        Issue.record("no convergence after 5 runs")
        return 0
    }

    struct Normalized: Equatable {
        var accounts: [String: Set<String>]
        var groups: Set<String>
        var sudoers: [String: String]
        var state: [String: String]

        init(_ harness: PlanHarness) {
            accounts = harness.host.accounts.mapValues(\.groups)
            groups = harness.host.groups
            sudoers = harness.host.sudoersFiles
            state = harness.state.accounts.mapValues {
                "\($0.iamUserID) \($0.status) sudo=\($0.sudo) \($0.grantedGroups) missing=\($0.missingRuns)"
            }
        }
    }

    @Test(arguments: [false, true])
    func killBetweenAnyTwoActionsIsRepairedByTheNextRun(startFresh: Bool) throws {
        var start = PlanHarness(policy: Self.policy)
        if !startFresh { _ = try Self.converge(&start, view: Self.before) }
        var reference = start
        _ = try Self.converge(&reference, view: Self.after)
        let expected = Normalized(reference)
        let view = startFresh ? Self.before : Self.after
        if startFresh {
            var fresh = start
            _ = try Self.converge(&fresh, view: view)
            #expect(fresh.host.accounts.count == 7)
        }
        let plan = try start.plan(view)
        #expect(plan.actions.count >= 5)
        for cut in 0...plan.actions.count {
            var killed = start
            killed.state = plan.intentState
            for action in plan.actions.prefix(cut) { killed.simulator.apply(action) }
            _ = try Self.converge(&killed, view: view)
            if startFresh {
                var uninterrupted = start
                _ = try Self.converge(&uninterrupted, view: view)
                #expect(Normalized(killed) == Normalized(uninterrupted), "kill after \(cut) actions")
            } else {
                #expect(Normalized(killed) == expected, "kill after \(cut) actions")
            }
            #expect(killed.state.accounts.values.allSatisfy { $0.uid != nil })
        }
    }
}
