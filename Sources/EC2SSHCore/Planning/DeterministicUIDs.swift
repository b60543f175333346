/// Chooses the UIDs of new accounts when UID_SOURCE=iam-user-id, with `UIDAllocator`; a step of `SyncPlanner.plan`.
enum DeterministicUIDs {
    /// What was chosen: a UID per local name, and the accounts for which the range has no room.
    struct Choice: Sendable, Equatable {
        /// The UID (and GID) of each new account.
        var uids: [String: UInt32]
        /// The accounts that get no UID, with the reason; they are not created this run.
        var failures: [String: EC2SSHError]
    }

    /// UIDs from `range` for the accounts of `desired` that do not exist on the host yet.
    ///
    /// Never a UID or GID in use on the host, never one a managed account holds; a group named like the new
    /// account whose GID is that account's preferred UID (left by a run killed between groupadd and useradd)
    /// does not count as taken, so the next run reuses it.
    static func choose(
        desired: DesiredState, state: ManagedState, local: LocalSnapshot, range: ClosedRange<UInt32>
    ) -> Choice {
        let requests = desired.accounts.filter { local.accounts[$0.localName] == nil }
            .map { UIDRequest(localName: $0.localName, iamUserID: $0.iamUserID) }
        let requested = Set(requests.map(\.localName))
        let managed = Set(state.accounts.filter { !requested.contains($0.key) }.compactMap(\.value.uid))
        var hostGIDs = local.usedGIDs
        for request in requests {
            let preferred = UIDAllocator.preferredUID(for: request.iamUserID, in: range)
            if local.groupIDs[request.localName] == preferred { hostGIDs.remove(preferred) }
        }
        var choice = Choice(uids: [:], failures: [:])
        let results = UIDAllocator.assign(
            requests, managedUIDs: managed, hostUIDs: local.usedUIDs, hostGIDs: hostGIDs, range: range)
        for (name, result) in results {
            switch result {
            case .success(let assignment): choice.uids[name] = assignment.uid
            case .failure(let error): choice.failures[name] = error
            }
        }
        return choice
    }
}
