/// Planning of sudoers files and group memberships.
extension SyncPlanning {
    ///
    /// A user a sudoers group that was read lists gets sudo; one that no such group lists loses it, unless a
    /// sudoers read that failed could list the user: then the file stays as it is.
    mutating func planSudo(name: String, iamUserName: String, wanted: Bool) -> Bool {
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
    mutating func revokeSudo(name: String) -> Bool {
        let file = sudoers.fileName(forLocalName: name)
        if local.sudoersFiles[file] != nil {
            revokes.append(.removeSudoers(localName: name, fileName: file))
        }
        return false
    }

    /// The local groups of LOCAL_GROUP_MAP whose IAM group could not be read: memberships in them are not removed.
    func heldLocalGroups() -> Set<String> {
        Set(policy.groupMap.filter { uncertainty.groups.contains($0.iamGroup) }.map(\.localGroup))
    }

    /// The groups of `groups` that exist locally; each missing one is reported once.
    mutating func existingGroups(_ groups: [String]) -> Set<String> {
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
    mutating func sweepOrphanSudoersFiles() {
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
}
