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
    /// Builds the desired state from `view` and plans against it.
    public static func plan(
        view: IAMView, local: LocalSnapshot, state: ManagedState, policy: SyncPolicy, now: Date
    ) throws(PlanError) -> SyncPlan {
        let desired = DesiredStateBuilder.build(view: view, policy: policy, now: now)
        return try plan(
            desired: desired, local: local, state: state, policy: policy, complete: view.isComplete,
            failedReads: view.failedReads, now: now)
    }

    /// Plans the changes that take the host from `local` and `state` to `desired`.
    ///
    /// Throws only when the sudoers file prefix of `policy` is unusable.
    public static func plan(
        desired: DesiredState, local: LocalSnapshot, state: ManagedState, policy: SyncPolicy, complete: Bool,
        failedReads: [String] = [], now: Date
    ) throws(PlanError) -> SyncPlan {
        let sudoers = try SudoersFile(prefix: policy.sudoersFilePrefix)
        var planning = SyncPlanning(
            desired: desired, local: local, state: state, policy: policy, complete: complete, sudoers: sudoers,
            now: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)))
        return planning.run(failedReads: failedReads)
    }
}
