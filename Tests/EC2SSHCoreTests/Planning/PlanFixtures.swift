import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Shared values and a simulated host for the planning tests.
enum PlanFixtures {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let marker = SyncPolicy.defaultMarkerGroup
    static let prefix = SudoersFile.defaultPrefix

    /// A managed-users index that records `userIDs` (IAM UserId by local name).
    static func index(_ userIDs: [String: String]) -> ManagedUsersIndex {
        ManagedUsersIndex(users: userIDs.mapValues { ManagedUsersIndex.Entry(iamUserName: "unused", iamUserID: $0) })
    }

    static func user(_ name: String, id: String? = nil, tags: [String: String] = [:]) -> IAMView.User {
        IAMView.User(userName: name, userID: id ?? "AIDA\(name.uppercased())", tags: tags)
    }

    static func sudoersFileName(_ localName: String) -> String {
        (try? SudoersFile(prefix: prefix))?.fileName(forLocalName: localName) ?? "unreachable"
    }

    static func sudoersContent(_ localName: String, rule: String = SyncPolicy.defaultSudoersRule) -> String {
        (try? SudoersFile.content(forLocalName: localName, rule: rule)) ?? "unreachable"
    }

    /// A host with the usual system accounts and groups, no managed accounts and no marker group.
    static func baseHost(groups: Set<String> = ["docker", "audio", "wheel"]) -> LocalSnapshot {
        LocalSnapshot(
            accounts: [
                .init(name: "root", uid: 0, gid: 0),
                .init(name: "ec2-user", uid: 1000, gid: 1000, groups: ["wheel"]),
                .init(name: "ubuntu", uid: 1001, gid: 1001, groups: ["wheel", "audio"]),
            ],
            groups: groups.union(["root", "ec2-user", "ubuntu"]),
            sudoersFiles: ["90-cloud-init-users": "ec2-user ALL=(ALL) NOPASSWD:ALL\n"])
    }
}

/// Applies plan actions to a snapshot the way the real executor changes a host.
struct HostSimulator {
    var host: LocalSnapshot
    var nextUID: UInt32 = 2000
    /// The accounts usermod has locked.
    var locked: Set<String> = []

    mutating func apply(_ action: SyncPlan.Action) {
        switch action {
        case .createGroup(let name):
            #expect(!host.groups.contains(name), "group \(name) created twice")
            host.groups.insert(name)
        case .createUser(let name, _, let uid, let groups):
            #expect(host.accounts[name] == nil, "useradd of existing \(name)")
            for group in groups { #expect(host.groups.contains(group), "useradd with missing group \(group)") }
            let chosen = uid ?? nextUID
            nextUID = max(nextUID, chosen) + 1
            host.accounts[name] = .init(name: name, uid: chosen, gid: chosen, groups: Set(groups))
            host.usedUIDs.insert(chosen)
        case .addToGroups(let name, let groups):
            #expect(host.accounts[name] != nil)
            host.accounts[name]?.groups.formUnion(groups)
        case .removeFromGroups(let name, let groups):
            #expect(host.accounts[name] != nil)
            host.accounts[name]?.groups.subtract(groups)
        case .writeSudoers(_, let file, let content):
            host.sudoersFiles[file] = content
        case .removeSudoers(_, let file), .removeLegacySudoers(_, let file):
            #expect(host.sudoersFiles[file] != nil, "removing missing sudoers file \(file)")
            host.sudoersFiles[file] = nil
        case .deleteUser(let name, _, let file):
            #expect(host.accounts[name] != nil, "userdel of missing \(name)")
            if let uid = host.accounts[name]?.uid { host.usedUIDs.remove(uid) }
            host.accounts[name] = nil
            host.sudoersFiles[file] = nil
            locked.remove(name)
        case .lockUser(let name):
            #expect(host.accounts[name] != nil, "lock of missing \(name)")
            locked.insert(name)
        case .unlockUser(let name):
            #expect(host.accounts[name] != nil, "unlock of missing \(name)")
            locked.remove(name)
        }
    }

    /// Runs a whole plan like the executor: every action, then the final state with the UIDs useradd chose.
    mutating func execute(_ plan: SyncPlan) -> ManagedState {
        var state = plan.finalState
        for action in plan.actions {
            apply(action)
            if case .createUser(let name, _, _, _) = action, let uid = host.accounts[name]?.uid {
                state = state.recordingUID(uid, for: name)
            }
        }
        return state
    }
}

/// One planning run against a simulated host, keeping state between runs; it plans through the one entry point
/// production uses, `SyncPlanner.plan(view:local:state:previousIndex:policy:now:)`.
struct PlanHarness {
    var simulator: HostSimulator
    var state = ManagedState()
    var policy = SyncPolicy(localGroups: ["docker"])
    /// Whether a state file exists; without one (a lost state) `state` is not passed and `previousIndex` may count.
    var stateFileExists = true
    /// managed-users.json as a previous run left it.
    var previousIndex: ManagedUsersIndex?

    init(host: LocalSnapshot = PlanFixtures.baseHost(), policy: SyncPolicy = SyncPolicy(localGroups: ["docker"])) {
        simulator = HostSimulator(host: host)
        self.policy = policy
    }

    var host: LocalSnapshot { simulator.host }

    func plan(_ view: IAMView, now: Date = PlanFixtures.now) throws -> SyncPlan {
        try SyncPlanner.plan(
            view: view, local: simulator.host, state: stateFileExists ? state : nil, previousIndex: previousIndex,
            policy: policy, now: now)
    }

    /// Plans and executes a run; returns the plan.
    @discardableResult
    mutating func run(_ view: IAMView, now: Date = PlanFixtures.now) throws -> SyncPlan {
        let plan = try plan(view, now: now)
        state = simulator.execute(plan)
        stateFileExists = true
        return plan
    }
}

extension SyncPlan {
    var summaries: [String] { actions.map(\.summary) }

    func notices(_ kind: Notice.Kind) -> [Notice] { notices.filter { $0.kind == kind } }

    var deletedNames: [String] {
        actions.compactMap { action in
            if case .deleteUser(let name, _, _) = action { return name }
            return nil
        }
    }

    var createdNames: [String] {
        actions.compactMap { action in
            if case .createUser(let name, _, _, _) = action { return name }
            return nil
        }
    }
}
