/// Planning for the desired accounts the state does not record: create, adopt, or leave alone as a conflict.
extension SyncPlanning {
    /// Plans a desired account the state does not record: create it, adopt it, or report a conflict.
    mutating func createOrConflict(_ wanted: DesiredState.Account) {
        let name = wanted.localName
        guard let account = local.accounts[name] else {
            create(wanted)
            return
        }
        if policy.adoptLegacyAccounts, complete, account.groups.contains(policy.markerGroup),
            account.uid >= policy.adoptionMinimumUID
        {
            if let recorded = adoptionIndex?[name], recorded != wanted.iamUserID {
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
            adopt(wanted, account: account, locked: adoptionIndex.map { $0[name] == nil } ?? false)
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
    mutating func adopt(_ wanted: DesiredState.Account, account: LocalSnapshot.Account, locked: Bool) {
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

    /// Plans the creation of `wanted`, unless its name or its pre-chosen UID is taken.
    mutating func create(_ wanted: DesiredState.Account) {
        let name = wanted.localName
        let uid = uids[name]
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

    /// Why useradd cannot create `name`, or `nil`: a local group of that name (`--user-group` fails; a user
    /// group left by a creation of ours with a pre-assigned UID that was interrupted is reused by the executor),
    /// or a user or group only the name service knows.
    func nameTaken(_ name: String) -> String? {
        if let why = local.unavailableNames[name] { return "\(name) \(why)" }
        guard local.groups.contains(name) else { return nil }
        if state.accounts[name]?.status == .creating, uids[name] != nil { return nil }
        return "a local group \(name) exists"
    }

}
