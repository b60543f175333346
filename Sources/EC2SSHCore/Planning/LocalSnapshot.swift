/// What the host looks like before a run: accounts, groups and the files in /etc/sudoers.d.
public struct LocalSnapshot: Sendable, Equatable, Codable {
    /// One local account from the passwd database.
    public struct Account: Sendable, Equatable, Codable {
        /// The user name.
        public var name: String
        /// The user ID.
        public var uid: UInt32
        /// The primary group ID.
        public var gid: UInt32
        /// The names of the supplementary groups the user is a member of (from the group database).
        public var groups: Set<String>

        /// Creates an account.
        public init(name: String, uid: UInt32, gid: UInt32, groups: Set<String> = []) {
            self.name = name
            self.uid = uid
            self.gid = gid
            self.groups = groups
        }
    }

    /// Accounts by user name.
    public var accounts: [String: Account]
    /// Names of all local groups.
    public var groups: Set<String>
    /// Files in /etc/sudoers.d by name, with their content; the content must be read for our own files (by
    /// prefix) and may be empty for the others.
    public var sudoersFiles: [String: String]
    /// UIDs in use, including ones not visible as accounts above (for example reserved ranges).
    public var usedUIDs: Set<UInt32>
    /// GIDs in use.
    public var usedGIDs: Set<UInt32>
    /// The GID of each local group, by name, where it is known; deterministic UIDs reuse a group left by an
    /// interrupted creation only when its GID is the account's preferred UID.
    public var groupIDs: [String: UInt32]
    /// Names no account may be created under although they are not in `accounts` or `groups`, with why: a user
    /// or group only the name service knows (LDAP, SSSD: found by getpwnam or getgrnam but not enumerated), or a
    /// name whose lookup failed.
    public var unavailableNames: [String: String] = [:]

    /// Creates a snapshot.
    public init(
        accounts: [Account] = [], groups: Set<String> = [], sudoersFiles: [String: String] = [:],
        usedUIDs: Set<UInt32> = [], usedGIDs: Set<UInt32> = [], groupIDs: [String: UInt32] = [:]
    ) {
        var byName: [String: Account] = [:]
        for account in accounts { byName[account.name] = account }
        self.accounts = byName
        self.groups = groups
        self.sudoersFiles = sudoersFiles
        self.usedUIDs = usedUIDs.union(accounts.map(\.uid))
        self.usedGIDs = usedGIDs
        self.groupIDs = groupIDs
    }

    /// The local names that are members of `group`.
    public func members(of group: String) -> Set<String> {
        Set(accounts.values.filter { $0.groups.contains(group) }.map(\.name))
    }
}
