import EC2SSHCore
import EC2SSHSystem
import Logging

/// Changes the group memberships of several accounts with one `gpasswd --members` run per group.
///
/// For each group that two or more of the actions change, the group's member list is read just before, the
/// accounts are added to it (or removed from it) and the whole list is set with `gpasswd --members LIST -- GROUP`.
/// A group that only one account changes, that cannot be read, or whose `gpasswd` fails is left to the per-account
/// commands (`usermod --append --groups`, `gpasswd --delete`), so that a failure stays with the account it belongs
/// to. Other members of the group are kept as read; a change another tool makes to the same group between that read
/// and gpasswd's own lock (a few milliseconds) would be overwritten.
struct GroupMembershipBatch {
    /// One account's membership in one group.
    struct Membership: Hashable {
        /// The local account name.
        var name: String
        /// The group name.
        var group: String
    }

    /// Runs the commands.
    let runner: any ProcessRunning
    /// Reads a group's members just before it is changed.
    let accounts: any AccountDatabase
    /// Builds the gpasswd command.
    let commands: AccountCommands
    /// Says what was batched and what falls back.
    let logger: Logger

    /// Applies the additions (`adding`) or the removals of `actions` group by group; returns the memberships done.
    func apply(_ actions: some Sequence<SyncPlan.Action>, adding: Bool) -> Set<Membership> {
        var byGroup: [String: [String]] = [:]
        for action in actions {
            switch action {
            case .addToGroups(let name, let groups) where adding,
                .removeFromGroups(let name, let groups) where !adding:
                for group in groups { byGroup[group, default: []].append(name) }
            default:
                continue
            }
        }
        var done: Set<Membership> = []
        for (group, names) in byGroup.sorted(by: { $0.key < $1.key }) where names.count > 1 {
            if setMembers(of: group, changing: names, adding: adding) {
                done.formUnion(names.map { Membership(name: $0, group: group) })
            }
        }
        return done
    }

    /// Sets the members of `group` to its current members plus (or minus) `names`; returns whether it worked.
    private func setMembers(of group: String, changing names: [String], adding: Bool) -> Bool {
        let verb = adding ? "adding \(names.count) accounts to" : "removing \(names.count) accounts from"
        let current: LocalGroup
        do {
            guard let found = try accounts.group(named: group) else {
                logger.warning("\(verb) group \(group) at once: the group does not exist; changing each account")
                return false
            }
            current = found
        } catch {
            logger.warning("\(verb) group \(group) at once: cannot read it (\(error)); changing each account")
            return false
        }
        var members = current.members
        if adding {
            for name in names where !members.contains(name) { members.append(name) }
        } else {
            let leaving = Set(names)
            members.removeAll { leaving.contains($0) }
        }
        let command = commands.setMembers(of: group, to: members)
        do {
            let result = try runner.run(command)
            guard result.succeeded else {
                logger.warning(
                    "\(verb) group \(group) at once failed (\(ExecutionError.commandFailed(command: command, result: result))); changing each account on its own"
                )
                return false
            }
        } catch {
            logger.warning("\(verb) group \(group) at once failed (\(error)); changing each account on its own")
            return false
        }
        logger.notice("\(verb) group \(group) with one gpasswd run")
        return true
    }
}
