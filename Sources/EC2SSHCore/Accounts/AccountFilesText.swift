/// The texts of the local account files that a batch of new accounts changes.
public struct AccountFilesText: Sendable, Equatable {
    /// /etc/passwd.
    public var passwd: String
    /// /etc/shadow.
    public var shadow: String
    /// /etc/group.
    public var group: String
    /// /etc/gshadow.
    public var gshadow: String
    /// /etc/subuid, or `nil` when the file does not exist (useradd then allocates no subordinate UIDs).
    public var subuid: String?
    /// /etc/subgid, or `nil` when the file does not exist.
    public var subgid: String?

    /// Creates the texts from their parts.
    public init(passwd: String, shadow: String, group: String, gshadow: String, subuid: String?, subgid: String?) {
        self.passwd = passwd
        self.shadow = shadow
        self.group = group
        self.gshadow = gshadow
        self.subuid = subuid
        self.subgid = subgid
    }
}

/// One plain new account for the batch: what `useradd --user-group --create-home --shell SHELL [--uid UID]
/// [--groups G1,G2] -- NAME` would create.
public struct BatchAccount: Sendable, Equatable {
    /// The login name.
    public var name: String
    /// The pre-assigned UID (its own group then gets the same GID), or `nil` to allocate one as useradd does.
    public var uid: UInt32?
    /// The supplementary groups, which must exist.
    public var groups: [String]

    /// Creates an account request.
    public init(name: String, uid: UInt32?, groups: [String]) {
        self.name = name
        self.uid = uid
        self.groups = groups
    }
}

/// An account the batch added.
public struct BatchCreated: Sendable, Equatable {
    /// The login name.
    public var name: String
    /// The UID.
    public var uid: UInt32
    /// The GID of its own group.
    public var gid: UInt32
    /// The home directory to create.
    public var home: String

    /// An account from its parts.
    public init(name: String, uid: UInt32, gid: UInt32, home: String) {
        self.name = name
        self.uid = uid
        self.gid = gid
        self.home = home
    }
}
