#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The working state of one `SyncPlanner.plan` call.
struct SyncPlanning {
    typealias Action = SyncPlan.Action
    typealias Notice = SyncPlan.Notice

    let desired: DesiredState
    let local: LocalSnapshot
    let state: ManagedState
    let policy: SyncPolicy
    /// The UIDs chosen for new accounts by local name (deterministic UIDs); names absent here let useradd choose.
    let uids: [String: UInt32]
    /// When rebuilding a lost state: the IAM UserId managed-users.json records per local name (see
    /// `SyncPlanner.plan(desired:local:state:policy:uids:adoptionIndex:complete:failedReads:now:)`).
    let adoptionIndex: [String: String]?
    let complete: Bool
    /// What the IAM read left unknown; only the changes it could affect are held back.
    let uncertainty: ReadUncertainty
    let sudoers: SudoersFile
    let now: Date
    let desiredByName: [String: DesiredState.Account]
    let collisions: Set<String>
    let markerExists: Bool
    let ruleIsValid: Bool

    var intent: [String: ManagedState.Account]
    var final: [String: ManagedState.Account]
    var handled: Set<String> = []
    var candidates: [(name: String, entry: ManagedState.Account)] = []
    var reportedGroups: Set<String> = []
    var deletions: [Action] = []
    var revokes: [Action] = []
    var locks: [Action] = []
    var removals: [Action] = []
    var creations: [Action] = []
    var unlocks: [Action] = []
    var additions: [Action] = []
    var grants: [Action] = []
    var conflicts: [SyncPlan.Conflict] = []
    var notices: [Notice] = []

    /// Prepares the planning of `desired` against `local` and `state`.
    init(
        desired: DesiredState, local: LocalSnapshot, state: ManagedState, policy: SyncPolicy, uids: [String: UInt32],
        adoptionIndex: [String: String]?, complete: Bool, sudoers: SudoersFile, now: Date
    ) {
        self.desired = desired
        self.local = local
        self.state = state
        self.policy = policy
        self.uids = uids
        self.adoptionIndex = adoptionIndex
        self.complete = complete
        uncertainty = desired.uncertainty ?? (complete ? .none : .total)
        self.sudoers = sudoers
        self.now = now
        var byName: [String: DesiredState.Account] = [:]
        for account in desired.accounts { byName[account.localName] = account }
        desiredByName = byName
        collisions = desired.collidingLocalNames
        markerExists = local.groups.contains(policy.markerGroup)
        ruleIsValid = (try? SudoersFile.validate(rule: policy.sudoersRule)) != nil
        intent = state.accounts
        final = state.accounts
    }

    /// Plans every state entry, then every desired account, then the orphan sudoers files.
    mutating func run(failedReads: [String]) -> SyncPlan {
        if !complete {
            let reads = failedReads.isEmpty ? "a read was partial" : failedReads.joined(separator: "; ")
            note(
                .error, .incompleteRead, nil,
                "the IAM read was incomplete (\(reads)): \(uncertainty.heldChanges); fix IAM access and the next "
                    + "complete run catches up")
        }
        if !ruleIsValid {
            note(.error, .invalidSudoersRule, nil, PlanError.invalidSudoersRule(policy.sudoersRule).description)
        }
        for (name, entry) in state.accounts.sorted(by: { $0.key < $1.key }) {
            handled.insert(name)
            reconcile(name: name, entry: entry)
        }
        applyDeletionGuards()
        for account in desired.accounts where !handled.contains(account.localName) {
            createOrConflict(account)
        }
        sweepOrphanSudoersFiles()
        var actions: [Action] = markerExists ? [] : [.createGroup(name: policy.markerGroup)]
        for group in [deletions, revokes, locks, removals, creations, unlocks, additions, grants] {
            actions += group.sorted { $0.subject < $1.subject }
        }
        return SyncPlan(
            complete: complete, actions: actions, conflicts: conflicts, skipped: desired.skipped, notices: notices,
            intentState: ManagedState(accounts: intent), finalState: ManagedState(accounts: final))
    }

    /// Drops `name` from both the intent and the final state: it is no longer managed.
    mutating func forget(_ name: String) {
        intent[name] = nil
        final[name] = nil
    }

    /// Adds a notice.
    mutating func note(_ severity: Notice.Severity, _ kind: Notice.Kind, _ subject: String?, _ text: String) {
        notices.append(Notice(severity: severity, kind: kind, subject: subject, message: text))
    }
}
