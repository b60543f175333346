extension IAMView {
    /// This view (read from a fleet snapshot older than SNAPSHOT_MAX_AGE) as an incomplete read that grants and
    /// revokes nothing: no deletions or locks, no new accounts, no sudo or LOCAL_GROUP_MAP changes.
    ///
    /// Only IAM users in `managedIAMNames` (those whose managed account has access now) stay authorized, so their
    /// accounts are kept and repaired; nobody is listed for sudo or a mapped group and both are marked uncertain,
    /// which makes the planner leave them as they are. `reason` is the failed read the run reports.
    public func heldForStaleSnapshot(reason: String, managedIAMNames: Set<String>) -> IAMView {
        var view = self
        view.authorized = .members(
            Set(users.map(\.userName)).filter { authorized.contains($0) && managedIAMNames.contains($0) })
        view.sudo = .members([])
        view.groupMembers = [:]
        view.complete = false
        view.failedReads.append(reason)
        view.uncertainty = .total
        return view
    }
}
