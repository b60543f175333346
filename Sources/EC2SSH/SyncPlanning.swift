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
    var removals: [Action] = []
    var creations: [Action] = []
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
                "the IAM read was incomplete (\(reads)): no deletions, no sudo changes and no group removals this "
                    + "run, missing-run counters kept; fix IAM access and the next complete run catches up")
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
        for group in [deletions, revokes, removals, creations, additions, grants] {
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
            note(
                .warning, .held, name,
                "managed account \(name) is kept unchanged while several IAM users map to that name")
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
        guard complete else {
            note(.warning, .held, name, "the interrupted deletion of \(name) waits for a complete IAM read")
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
        let toRemove = complete ? stillGranted.subtracting(required).subtracting([policy.markerGroup]) : []
        if !toAdd.isEmpty {
            additions.append(.addToGroups(localName: name, groups: toAdd.sorted()))
        }
        if !toRemove.isEmpty {
            removals.append(.removeFromGroups(localName: name, groups: toRemove.sorted()))
        }
        updated.sudo = planSudo(name: name, wanted: wanted.sudo)
        var claimed = updated
        claimed.grantedGroups = stillGranted.union(toAdd).sorted()
        updated.grantedGroups = stillGranted.union(toAdd).subtracting(toRemove).sorted()
        intent[name] = claimed
        final[name] = updated
    }

    private mutating func markMissing(
        name: String, entry: ManagedState.Account, account: LocalSnapshot.Account,
        recreatedAs wanted: DesiredState.Account?
    ) {
        guard complete else { return }
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
        let needed = max(1, policy.deleteAfterMissingRuns)
        if updated.missingRuns >= needed {
            candidates.append((name, updated))
        } else {
            note(
                .info, .pendingDeletion, name,
                "IAM user \(entry.iamUserName) of \(name) is missing in \(updated.missingRuns) of \(needed) "
                    + "complete runs needed before deletion")
        }
        intent[name] = updated
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
            adopt(wanted, account: account)
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

    /// Takes over an account the previous aws-ec2-ssh created; only memberships added from now on count as granted.
    private mutating func adopt(_ wanted: DesiredState.Account, account: LocalSnapshot.Account) {
        let name = wanted.localName
        note(
            .warning, .adopted, name,
            "adopting account \(name) (uid \(account.uid), in marker group \(policy.markerGroup)) created by the "
                + "previous aws-ec2-ssh, for IAM user \(wanted.iamUserName) (legacy adoption is enabled)")
        let legacyFile = name.replacing(".", with: " ")
        let legacyContent = "\(name) ALL=(ALL) NOPASSWD:ALL"
        if let content = local.sudoersFiles[legacyFile],
            content.split(whereSeparator: \.isNewline).map(String.init) == [legacyContent]
        {
            revokes.append(.removeLegacySudoers(localName: name, fileName: legacyFile))
        }
        let entry = ManagedState.Account(
            iamUserName: wanted.iamUserName, iamUserID: wanted.iamUserID, uid: account.uid, createdAt: now)
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
        entry.sudo = planSudo(name: name, wanted: wanted.sudo)
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
    private mutating func planSudo(name: String, wanted: Bool) -> Bool {
        let file = sudoers.fileName(forLocalName: name)
        let current = local.sudoersFiles[file]
        guard complete else { return current != nil }
        if wanted {
            guard ruleIsValid, let content = try? SudoersFile.content(forLocalName: name, rule: policy.sudoersRule)
            else { return current != nil }
            if current != content {
                grants.append(.writeSudoers(localName: name, fileName: file, content: content))
            }
            return true
        }
        if current != nil {
            revokes.append(.removeSudoers(localName: name, fileName: file))
        }
        return false
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

    private mutating func sweepOrphanSudoersFiles() {
        guard complete else { return }
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
