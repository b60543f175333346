/// A local user account as the name service switch (NSS) reports it.
public struct LocalUser: Sendable, Equatable, Hashable {
    /// The login name.
    public var name: String
    /// The numeric user ID.
    public var uid: UInt32
    /// The numeric primary group ID.
    public var gid: UInt32
    /// The home directory.
    public var home: String
    /// The login shell.
    public var shell: String

    /// Creates a user from its parts.
    public init(name: String, uid: UInt32, gid: UInt32, home: String, shell: String) {
        self.name = name
        self.uid = uid
        self.gid = gid
        self.home = home
        self.shell = shell
    }
}

/// A local group as the name service switch (NSS) reports it.
public struct LocalGroup: Sendable, Equatable, Hashable {
    /// The group name.
    public var name: String
    /// The numeric group ID.
    public var gid: UInt32
    /// The names of the supplementary members (users whose primary group this is are not listed).
    public var members: [String]

    /// Creates a group from its parts.
    public init(name: String, gid: UInt32, members: [String]) {
        self.name = name
        self.gid = gid
        self.members = members
    }
}

/// Read access to the local users and groups (passwd and group databases).
///
/// A missing entry is `nil`; a failing lookup (for example an unreachable directory service) throws
/// `SystemError`, so that a broken lookup is never mistaken for a missing account.
public protocol AccountDatabase: Sendable {
    /// The user called `name`, or `nil` when there is none.
    func user(named name: String) throws -> LocalUser?
    /// The user with user ID `uid`, or `nil` when there is none.
    func user(uid: UInt32) throws -> LocalUser?
    /// The group called `name`, or `nil` when there is none.
    func group(named name: String) throws -> LocalGroup?
    /// Every user, in database order.
    func allUsers() throws -> [LocalUser]
    /// Every group, in database order.
    func allGroups() throws -> [LocalGroup]
    /// The names of the groups that list `user` as a supplementary member, in database order.
    func groups(of user: String) throws -> [String]
    /// The identities of whatever the databases are read from, taken before reading them; `nil` when they cannot
    /// be told apart from one version to the next (a run then never skips its work).
    func sourceIdentities() throws -> [FileIdentity]?
}

extension AccountDatabase {
    /// `nil`: a database whose changes cannot be seen never lets a run skip its work.
    public func sourceIdentities() throws -> [FileIdentity]? {
        nil
    }

    /// The names of the groups that list `user` as a supplementary member, found by scanning `allGroups()`.
    public func groups(of user: String) throws -> [String] {
        try allGroups().filter { $0.members.contains(user) }.map(\.name)
    }
}
