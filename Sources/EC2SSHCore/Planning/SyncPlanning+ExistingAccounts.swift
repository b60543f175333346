/// Planning for the accounts the state records: keep, repair, lock, delete.
extension SyncPlanning {
    /// Plans the state entry `name`: proven ours, still wanted, missing from IAM, or no longer managed.
    mutating func reconcile(name: String, entry: ManagedState.Account) {
        guard let account = local.accounts[name] else {
            reconcileWithoutAccount(name: name, entry: entry)
            return
        }
        guard markerExists else {
            note(
                .error, .held, name,
                "marker group \(policy.markerGroup) does not exist, so managed account \(name) cannot be proven "
                    + "ours and is left unchanged; the group is created this run, add \(name) back with "
                    + "usermod -aG \(policy.markerGroup) \(name) to keep it managed")
            return
        }
        let uidMatches = entry.uid.map { $0 == account.uid } ?? true
        guard account.groups.contains(policy.markerGroup), uidMatches else {
            let why =
                uidMatches
                ? "is not in marker group \(policy.markerGroup)"
                : "has uid \(account.uid) but import_users recorded uid \(entry.uid.map(String.init) ?? "none")"
            conflicts.append(
                .init(
                    localName: name, iamUserName: entry.iamUserName,
                    message: "account \(name) \(why) (state: \(entry.status.rawValue)); it is no longer managed "
                        + "and left alone"))
            forget(name)
            return
        }
        if entry.status == .deleting {
            continueDeletion(name: name, entry: entry)
        } else if collisions.contains(name) {
            // Neither of the colliding IAM users is imported, so the account's owner is treated as not authorized:
            // access goes now (lock, sudo, index), deletion waits as for any missing user.
            note(
                .warning, .accessRevoked, name,
                "several IAM users map to local name \(name), so none of them is imported; managed account "
                    + "\(name) is treated as not authorized until the IAM names differ")
            markMissing(name: name, entry: entry, account: account, recreatedAs: nil)
        } else if let wanted = desiredByName[name], wanted.iamUserID == entry.iamUserID {
            reconcileOwned(name: name, entry: entry, account: account, wanted: wanted)
        } else {
            markMissing(name: name, entry: entry, account: account, recreatedAs: desiredByName[name])
        }
    }

    /// Plans a state entry whose local account is gone: drop it, finish its deletion, or create it again.
    mutating func reconcileWithoutAccount(name: String, entry: ManagedState.Account) {
        forget(name)
        if entry.status == .deleting {
            let file = sudoers.fileName(forLocalName: name)
            if local.sudoersFiles[file] != nil {
                revokes.append(.removeSudoers(localName: name, fileName: file))
            }
            note(.info, .repaired, name, "finished the interrupted deletion of \(name)")
            return
        }
        guard !collisions.contains(name), let wanted = desiredByName[name] else {
            note(.info, .repaired, name, "managed account \(name) no longer exists; its state entry is dropped")
            return
        }
        let reason =
            wanted.iamUserID == entry.iamUserID
            ? "managed account \(name) (state: \(entry.status.rawValue)) does not exist; creating it again"
            : "managed account \(name) no longer exists and IAM user \(wanted.iamUserName) has a new UserId; "
                + "creating a fresh account"
        note(.info, .repaired, name, reason)
        create(wanted)
    }

    /// Finishes a deletion a killed run left, unless the IAM read cannot tell whether the user is authorized.
    mutating func continueDeletion(name: String, entry: ManagedState.Account) {
        guard !uncertainty.authorization.contains(entry.iamUserName) else {
            note(
                .warning, .held, name,
                "the interrupted deletion of \(name) waits for an IAM read that can tell whether IAM user "
                    + "\(entry.iamUserName) is authorized")
            return
        }
        note(.info, .repaired, name, "finishing the interrupted deletion of \(name)")
        schedule(deletionOf: name, entry: entry)
    }

    /// Keeps an account whose IAM user is authorized in line: groups, sudo, and an unlock if it was locked.
    mutating func reconcileOwned(
        name: String, entry: ManagedState.Account, account: LocalSnapshot.Account, wanted: DesiredState.Account
    ) {
        var updated = entry
        if entry.status == .creating {
            note(.info, .repaired, name, "finished the interrupted creation of \(name)")
        }
        updated.status = .active
        updated.missingRuns = 0
        updated.uid = entry.uid ?? account.uid
        let required = existingGroups(wanted.groups)
        let stillGranted = Set(entry.grantedGroups).intersection(account.groups)
        let toAdd = required.subtracting(account.groups)
        let toRemove = stillGranted.subtracting(required).subtracting([policy.markerGroup])
            .subtracting(heldLocalGroups())
        if !toAdd.isEmpty {
            additions.append(.addToGroups(localName: name, groups: toAdd.sorted()))
        }
        if !toRemove.isEmpty {
            removals.append(.removeFromGroups(localName: name, groups: toRemove.sorted()))
        }
        updated.sudo = planSudo(name: name, iamUserName: wanted.iamUserName, wanted: wanted.sudo)
        var claimed = updated
        if entry.lock != nil {
            unlocks.append(.unlockUser(localName: name))
            note(.info, .accessRestored, name, "IAM user \(wanted.iamUserName) is authorized again: unlocking \(name)")
            claimed.lock = .unlocking
            updated.lock = nil
        }
        claimed.grantedGroups = stillGranted.union(toAdd).sorted()
        updated.grantedGroups = stillGranted.union(toAdd).subtracting(toRemove).sorted()
        intent[name] = claimed
        final[name] = updated
    }

    /// Locks an account whose IAM user is not authorized and counts the missing run towards its deletion.
    mutating func markMissing(
        name: String, entry: ManagedState.Account, account: LocalSnapshot.Account,
        recreatedAs wanted: DesiredState.Account?
    ) {
        guard !uncertainty.authorization.contains(entry.iamUserName) else {
            note(
                .warning, .held, name,
                "IAM user \(entry.iamUserName) of \(name) is not listed, but a read that failed could list it: "
                    + "\(name) is kept as it is (not locked, not deleted, sudo kept, missing-run counter kept)")
            return
        }
        var updated = entry
        updated.status = .active
        updated.missingRuns += 1
        updated.uid = entry.uid ?? account.uid
        if let wanted {
            note(
                .warning, .recreatedIAMUser, name,
                "IAM user \(wanted.iamUserName) was re-created (UserId \(entry.iamUserID) -> \(wanted.iamUserID)); "
                    + "the old account \(name) is deleted first and the new one created on a later run")
        }
        updated.sudo = revokeSudo(name: name)
        updated.lock = .locked
        var claimed = updated
        if entry.lock != .locked {
            locks.append(.lockUser(localName: name))
            claimed.lock = .locking
            note(
                .info, .accessRevoked, name,
                "IAM user \(entry.iamUserName) is no longer authorized: \(name) is locked, loses sudo and leaves "
                    + "the key command's index now; it is unlocked if the user is authorized again")
        }
        let needed = max(1, policy.deleteAfterMissingRuns)
        if updated.missingRuns >= needed {
            candidates.append((name, updated))
        } else {
            note(
                .info, .pendingDeletion, name,
                "IAM user \(entry.iamUserName) of \(name) is missing in \(updated.missingRuns) of \(needed) "
                    + "complete runs needed before deletion (the account stays locked until then)")
        }
        intent[name] = claimed
        final[name] = updated
    }

    /// Schedules the deletion candidates, unless they exceed MAX_DELETE_PERCENT without `--force`.
    mutating func applyDeletionGuards() {
        guard !candidates.isEmpty else { return }
        let managed = max(1, state.accounts.values.filter { $0.status != .deleting }.count)
        let count = candidates.count
        let percent = policy.maxDeletePercent
        let exceeds = count > policy.deletionsAlwaysAllowed && count * 100 > percent * managed
        let names = candidates.map(\.name).joined(separator: ", ")
        if exceeds && !policy.force {
            note(
                .error, .deletionCapExceeded, nil,
                "REFUSING to delete \(count) of \(managed) managed accounts (\(count * 100 / managed)%) in one run: "
                    + "the cap is \(percent)%; no account is deleted (\(names)); check IAM and the configuration, "
                    + "then run import_users --force to delete them")
            return
        }
        if exceeds {
            note(
                .warning, .deletionCapExceeded, nil,
                "deleting \(count) of \(managed) managed accounts, above the \(percent)% cap, because of --force")
        }
        for candidate in candidates {
            schedule(deletionOf: candidate.name, entry: candidate.entry)
        }
    }

    /// Plans the deletion of `name`, which also locks it and removes its sudoers file.
    mutating func schedule(deletionOf name: String, entry: ManagedState.Account) {
        var deleting = entry
        deleting.status = .deleting
        intent[name] = deleting
        final[name] = nil
        // The deletion locks the account and removes its sudoers file itself.
        locks.removeAll { $0 == .lockUser(localName: name) }
        revokes.removeAll { $0 == .removeSudoers(localName: name, fileName: sudoers.fileName(forLocalName: name)) }
        deletions.append(
            .deleteUser(
                localName: name, iamUserName: entry.iamUserName,
                sudoersFileName: sudoers.fileName(forLocalName: name)))
    }
}
