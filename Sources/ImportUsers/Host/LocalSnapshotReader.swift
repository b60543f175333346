public import EC2SSHCore
import EC2SSHShared
public import EC2SSHSystem

/// Reads what the host looks like before a run: accounts and groups, our sudoers files and UID_MIN.
public struct LocalSnapshotReader: Sendable {
    /// The snapshot plus the login.defs limits read with it.
    public struct Result: Sendable, Equatable {
        /// Accounts, groups (with their GIDs), sudoers files and the IDs in use.
        public var snapshot: LocalSnapshot
        /// The limits of /etc/login.defs (defaults when it is missing).
        public var loginDefs: LoginDefs
    }

    private let accounts: any AccountDatabase
    private let fileSystem: any FileSystem
    private let paths: HostPaths
    private let sudoers: SudoersFile
    private let readsLegacyFiles: Bool

    /// Creates a reader; only files `sudoers` owns are read from the sudoers directory, plus, when
    /// `readsLegacyFiles` is set (legacy adoption), the files the bash aws-ec2-ssh named after its users.
    public init(
        accounts: any AccountDatabase, fileSystem: any FileSystem, paths: HostPaths, sudoers: SudoersFile,
        readsLegacyFiles: Bool = false
    ) {
        self.accounts = accounts
        self.fileSystem = fileSystem
        self.paths = paths
        self.sudoers = sudoers
        self.readsLegacyFiles = readsLegacyFiles
    }

    /// Reads the host; throws `ImportError.hostUnreadable` when the account database or a file cannot be read.
    public func read() throws -> Result {
        let users: [LocalUser]
        let groups: [LocalGroup]
        do {
            users = try accounts.allUsers()
            groups = try accounts.allGroups()
        } catch {
            throw ImportError.hostUnreadable(detail: "\(error)")
        }
        var memberships: [String: Set<String>] = [:]
        for group in groups {
            for member in group.members { memberships[member, default: []].insert(group.name) }
        }
        let snapshotAccounts = users.map { user in
            LocalSnapshot.Account(
                name: user.name, uid: user.uid, gid: user.gid, groups: memberships[user.name] ?? [])
        }
        var groupIDs: [String: UInt32] = [:]
        for group in groups where groupIDs[group.name] == nil { groupIDs[group.name] = group.gid }
        let snapshot = LocalSnapshot(
            accounts: snapshotAccounts, groups: Set(groups.map(\.name)), sudoersFiles: try sudoersFiles(),
            usedUIDs: Set(users.map(\.uid)), usedGIDs: Set(groups.map(\.gid)).union(users.map(\.gid)),
            groupIDs: groupIDs)
        return Result(snapshot: snapshot, loginDefs: try loginDefs())
    }

    /// The names of `names` that `snapshot` does not hold but the name service does (an LDAP or SSSD user or
    /// group that enumeration does not list), or whose lookup fails, with why; no account is created under them.
    public func unavailableNames(among names: [String], in snapshot: LocalSnapshot) -> [String: String] {
        var unavailable: [String: String] = [:]
        for name in Set(names) where snapshot.accounts[name] == nil {
            do {
                if let user = try accounts.user(named: name) {
                    unavailable[name] =
                        "exists in the name service (uid \(user.uid); LDAP, SSSD or another NSS source) but not in "
                        + "the local account list"
                } else if !snapshot.groups.contains(name), let group = try accounts.group(named: name) {
                    unavailable[name] =
                        "is a group in the name service (gid \(group.gid); LDAP, SSSD or another NSS source)"
                }
            } catch {
                unavailable[name] = "cannot be looked up (\(error)); it is retried on the next run"
            }
        }
        return unavailable
    }

    /// Every file of the sudoers directory, with the content of ours (others map to an empty string).
    private func sudoersFiles() throws -> [String: String] {
        do {
            guard try fileSystem.status(paths.sudoersDirectory) != nil else { return [:] }
            var files: [String: String] = [:]
            for name in try fileSystem.listDirectory(paths.sudoersDirectory) {
                let legacy = readsLegacyFiles && NameMapping.isValidLocalName(name.replacing(" ", with: "."))
                guard sudoers.owns(name) || legacy else {
                    files[name] = ""
                    continue
                }
                let bytes = try fileSystem.readFile(paths.sudoersDirectory + "/" + name) ?? []
                files[name] = String(decoding: bytes, as: UTF8.self)
            }
            return files
        } catch {
            throw ImportError.hostUnreadable(detail: "\(paths.sudoersDirectory): \(error)")
        }
    }

    private func loginDefs() throws -> LoginDefs {
        do {
            guard let bytes = try fileSystem.readFile(paths.loginDefs) else { return .defaults }
            return LoginDefs.parse(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw ImportError.hostUnreadable(detail: "\(paths.loginDefs): \(error)")
        }
    }
}
