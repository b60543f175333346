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

    init(
        desired: DesiredState, local: LocalSnapshot, state: ManagedState, policy: SyncPolicy, complete: Bool,
        sudoers: SudoersFile, now: Date
    ) {
        self.desired = desired
        self.local = local
        self.state = state
        self.policy = policy
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

    // MARK: - Existing entries

    private mutating func reconcile(name: String, entry: ManagedState.Account) {
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

    private mutating func reconcileWithoutAccount(name: String, entry: ManagedState.Account) {
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

    private mutating func continueDeletion(name: String, entry: ManagedState.Account) {
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

    private mutating func reconcileOwned(
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

    private mutating func markMissing(
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

    private mutating func applyDeletionGuards() {
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

    private mutating func schedule(deletionOf name: String, entry: ManagedState.Account) {
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

    // MARK: - New accounts

    private mutating func createOrConflict(_ wanted: DesiredState.Account) {
        let name = wanted.localName
        guard let account = local.accounts[name] else {
            create(wanted)
            return
        }
        if policy.adoptLegacyAccounts, complete, account.groups.contains(policy.markerGroup),
            account.uid >= policy.adoptionMinimumUID
        {
            if let recorded = policy.adoptionIndex?[name], recorded != wanted.iamUserID {
                conflicts.append(
                    .init(
                        localName: name, iamUserName: wanted.iamUserName,
                        message:
                            "account \(name) belonged to IAM UserId \(recorded) (managed-users.json), but IAM user "
                            + "\(wanted.iamUserName) now has UserId \(wanted.iamUserID): it was re-created, so it is "
                            + "another person; \(name) is not adopted and left alone (remove it with userdel once "
                            + "its files are no longer needed, and the next run creates a fresh account)"))
                return
            }
            adopt(wanted, account: account, locked: policy.adoptionIndex.map { $0[name] == nil } ?? false)
            return
        }
        let marker =
            account.groups.contains(policy.markerGroup)
            ? " It is in the marker group, but import_users has no record of creating it." : ""
        conflicts.append(
            .init(
                localName: name, iamUserName: wanted.iamUserName,
                message: "local account \(name) (uid \(account.uid)) exists and was not created by import_users; "
                    + "it is left alone: not adopted, no sudo, no IAM keys, never deleted.\(marker)"))
    }

    /// Takes over an account the previous aws-ec2-ssh, or import_users before its state was lost, created.
    ///
    /// Only memberships added from now on count as granted. A `locked` account is recorded as locked by
    /// import_users, so it is unlocked now that its IAM user is authorized.
    private mutating func adopt(_ wanted: DesiredState.Account, account: LocalSnapshot.Account, locked: Bool) {
        let name = wanted.localName
        let lockNote =
            locked
            ? "; it is not in managed-users.json, so import_users had locked it (or was creating it): it is "
                + "unlocked" : ""
        note(
            .warning, .adopted, name,
            "adopting account \(name) (uid \(account.uid), in marker group \(policy.markerGroup)) for IAM user "
                + "\(wanted.iamUserName) (legacy adoption or state rebuild)\(lockNote)")
        let legacyFile = name.replacing(".", with: " ")
        let legacyContent = "\(name) ALL=(ALL) NOPASSWD:ALL"
        if let content = local.sudoersFiles[legacyFile],
            content.split(whereSeparator: \.isNewline).map(String.init) == [legacyContent]
        {
            revokes.append(.removeLegacySudoers(localName: name, fileName: legacyFile))
        }
        let entry = ManagedState.Account(
            iamUserName: wanted.iamUserName, iamUserID: wanted.iamUserID, uid: account.uid, createdAt: now,
            lock: locked ? .locked : nil)
        reconcileOwned(name: name, entry: entry, account: account, wanted: wanted)
    }

    private mutating func create(_ wanted: DesiredState.Account) {
        let name = wanted.localName
        let uid = policy.preassignedUIDs[name]
        if let why = nameTaken(name) {
            conflicts.append(
                .init(
                    localName: name, iamUserName: wanted.iamUserName,
                    message: "IAM user \(wanted.iamUserName) maps to local name \(name), but \(why); no account is "
                        + "created (useradd would fail) until the name is free"))
            return
        }
        if let uid, local.usedUIDs.contains(uid) {
            note(
                .error, .uidInUse, name,
                "uid \(uid) chosen for \(name) is already in use on this host; \(name) is not created "
                    + "until the uid is free or the UID settings change")
            return
        }
        let groups = existingGroups(wanted.groups).sorted()
        creations.append(
            .createUser(
                localName: name, iamUserName: wanted.iamUserName, uid: uid, groups: [policy.markerGroup] + groups))
        var entry = ManagedState.Account(
            iamUserName: wanted.iamUserName, iamUserID: wanted.iamUserID, uid: uid, createdAt: now,
            grantedGroups: groups, status: .creating)
        entry.sudo = planSudo(name: name, iamUserName: wanted.iamUserName, wanted: wanted.sudo)
        intent[name] = entry
        entry.status = .active
        final[name] = entry
    }

    // MARK: - Helpers

    /// Why useradd cannot create `name`, or `nil`: a local group of that name (`--user-group` fails; a user
    /// group left by a creation of ours with a pre-assigned UID that was interrupted is reused by the executor),
    /// or a user or group only the name service knows.
    private func nameTaken(_ name: String) -> String? {
        if let why = local.unavailableNames[name] { return "\(name) \(why)" }
        guard local.groups.contains(name) else { return nil }
        if state.accounts[name]?.status == .creating, policy.preassignedUIDs[name] != nil { return nil }
        return "a local group \(name) exists"
    }

    /// Plans the sudoers file of `name` and returns whether it grants sudo afterwards.
    ///
    /// A user a sudoers group that was read lists gets sudo; one that no such group lists loses it, unless a
    /// sudoers read that failed could list the user: then the file stays as it is.
    private mutating func planSudo(name: String, iamUserName: String, wanted: Bool) -> Bool {
        let file = sudoers.fileName(forLocalName: name)
        let current = local.sudoersFiles[file]
        guard wanted || !uncertainty.sudo.contains(iamUserName) else { return current != nil }
        if wanted {
            guard ruleIsValid, let content = try? SudoersFile.content(forLocalName: name, rule: policy.sudoersRule)
            else { return current != nil }
            if current != content {
                grants.append(.writeSudoers(localName: name, fileName: file, content: content))
            }
            return true
        }
        return revokeSudo(name: name)
    }

    /// Plans the removal of the sudoers file of `name`, if there is one; returns false (no sudo afterwards).
    private mutating func revokeSudo(name: String) -> Bool {
        let file = sudoers.fileName(forLocalName: name)
        if local.sudoersFiles[file] != nil {
            revokes.append(.removeSudoers(localName: name, fileName: file))
        }
        return false
    }

    /// The local groups of LOCAL_GROUP_MAP whose IAM group could not be read: memberships in them are not removed.
    private func heldLocalGroups() -> Set<String> {
        Set(policy.groupMap.filter { uncertainty.groups.contains($0.iamGroup) }.map(\.localGroup))
    }

    /// The groups of `groups` that exist locally; each missing one is reported once.
    private mutating func existingGroups(_ groups: [String]) -> Set<String> {
        var existing: Set<String> = []
        for group in groups where group != policy.markerGroup {
            if local.groups.contains(group) {
                existing.insert(group)
            } else if reportedGroups.insert(group).inserted {
                note(
                    .error, .missingLocalGroup, group,
                    "local group \(group) (LOCAL_GROUPS or LOCAL_GROUP_MAP) does not exist; create it with "
                        + "groupadd or remove it from the configuration; the other groups are still applied")
            }
        }
        return existing
    }

    /// Removes our sudoers files that no managed account holds; no IAM read decides this, so it always runs.
    private mutating func sweepOrphanSudoersFiles() {
        let planned = Set(
            revokes.compactMap { action -> String? in
                if case .removeSudoers(_, let file) = action { return file }
                return nil
            })
        for file in local.sudoersFiles.keys.sorted() where !planned.contains(file) {
            guard let name = sudoers.localName(forFileName: file), intent[name] == nil, final[name] == nil else {
                continue
            }
            note(.info, .repaired, name, "removing sudoers file \(file): no managed account \(name) holds it")
            revokes.append(.removeSudoers(localName: name, fileName: file))
        }
    }

    private mutating func forget(_ name: String) {
        intent[name] = nil
        final[name] = nil
    }

    private mutating func note(_ severity: Notice.Severity, _ kind: Notice.Kind, _ subject: String?, _ text: String) {
        notices.append(Notice(severity: severity, kind: kind, subject: subject, message: text))
    }
}
