#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// Compares what IAM wants with the host and the persisted state, and plans the changes.
///
/// Rules: only accounts recorded in the state and in the marker group are ever changed; an incomplete IAM read
/// allows only creations and additions; deletions need the missing-runs guard and stay under the cap; a kill
/// between any two actions leaves an intent state that the next plan repairs.
public enum SyncPlanner {
    /// Plans one import_users run; the one entry point, used by the run and by the tests alike.
    ///
    /// Builds the desired state from `view` under `policy`; chooses the UIDs of new accounts when `policy` has a
    /// deterministic UID range (an account without room is left out and listed in `SyncPlan.unassignedUIDs`);
    /// then plans against `local` and `state`. `state` is `nil` when there is no state file: with legacy adoption
    /// on, that rebuilds a lost state, and `previousIndex` (managed-users.json as a previous run left it, if any)
    /// tells which IAM UserId each account belonged to. Throws only when the sudoers file prefix of `policy` is
    /// unusable.
    public static func plan(
        view: IAMView, local: LocalSnapshot, state: ManagedState?, previousIndex: ManagedUsersIndex? = nil,
        policy: SyncPolicy, now: Date
    ) throws(PlanError) -> SyncPlan {
        let current = state ?? ManagedState()
        var desired = DesiredStateBuilder.build(view: view, policy: policy, now: now)
        var uids: [String: UInt32] = [:]
        var unassigned: [SyncPlan.UnassignedUID] = []
        if let range = policy.deterministicUIDRange {
            let choice = DeterministicUIDs.choose(desired: desired, state: current, local: local, range: range)
            uids = choice.uids
            unassigned = choice.failures.sorted { $0.key < $1.key }.map { name, error in
                SyncPlan.UnassignedUID(localName: name, message: "\(error); \(name) is not created this run")
            }
            desired.accounts.removeAll { choice.failures[$0.localName] != nil }
        }
        let rebuilding = state == nil && policy.adoptLegacyAccounts
        var plan = try plan(
            desired: desired, local: local, state: current, policy: policy, uids: uids,
            adoptionIndex: rebuilding ? previousIndex?.users.mapValues(\.iamUserID) : nil, complete: view.isComplete,
            failedReads: view.failedReads, now: now)
        plan.unassignedUIDs = unassigned
        plan.rebuildsState = rebuilding
        return plan
    }

    /// Plans the changes that take the host from `local` and `state` to `desired`, the UIDs already chosen.
    ///
    /// `adoptionIndex`, when rebuilding a lost state, is the IAM UserId managed-users.json records for each local
    /// name: an account it lists for another UserId is not adopted (its IAM user was re-created: another person);
    /// one it does not list was locked (or being created) by import_users when the state was lost, so it is
    /// adopted as locked and unlocked if its IAM user is authorized.
    static func plan(
        desired: DesiredState, local: LocalSnapshot, state: ManagedState, policy: SyncPolicy, uids: [String: UInt32],
        adoptionIndex: [String: String]?, complete: Bool, failedReads: [String], now: Date
    ) throws(PlanError) -> SyncPlan {
        let sudoers = try SudoersFile(prefix: policy.sudoersFilePrefix)
        var planning = SyncPlanning(
            desired: desired, local: local, state: state, policy: policy, uids: uids, adoptionIndex: adoptionIndex,
            complete: complete, sudoers: sudoers,
            now: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)))
        return planning.run(failedReads: failedReads)
    }
}
