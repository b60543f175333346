#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// An IAM user as `ListUsers`, `GetUser` and `GetGroup` describe it.
public struct IAMUser: Sendable, Equatable {
    /// The user name, for example `alice` or `bob+admin`.
    public var userName: String
    /// The stable unique id (`AIDA...`).
    public var userID: String
    /// The user's ARN.
    public var arn: String
    /// The IAM path, for example `/` or `/staff/`.
    public var path: String
    /// When the user was created, when AWS said.
    public var createDate: Date?

    /// Creates a user value.
    public init(userName: String, userID: String, arn: String, path: String, createDate: Date? = nil) {
        self.userName = userName
        self.userID = userID
        self.arn = arn
        self.path = path
        self.createDate = createDate
    }
}

/// An IAM group as `GetGroup` and `ListGroupsForUser` describe it.
public struct IAMGroup: Sendable, Equatable {
    /// The group name.
    public var groupName: String
    /// The stable unique id (`AGPA...`).
    public var groupID: String
    /// The group's ARN.
    public var arn: String

    /// Creates a group value.
    public init(groupName: String, groupID: String, arn: String) {
        self.groupName = groupName
        self.groupID = groupID
        self.arn = arn
    }
}

/// A group and every one of its member users (all pages of `GetGroup`).
public struct IAMGroupMembers: Sendable, Equatable {
    /// The group.
    public var group: IAMGroup
    /// All member users, in the order IAM listed them.
    public var users: [IAMUser]

    /// Creates a group-with-members value.
    public init(group: IAMGroup, users: [IAMUser]) {
        self.group = group
        self.users = users
    }
}

/// The status of an IAM SSH public key.
///
/// A status IAM may add in future is kept as `.other(raw)` instead of failing the whole listing; callers must
/// use only keys whose status is exactly `.active`.
public enum SSHPublicKeyStatus: Sendable, Equatable {
    /// `Active`: the key may be used to log in.
    case active
    /// `Inactive`: the key must not be used.
    case inactive
    /// Any other value, as IAM sent it; treat as not usable.
    case other(String)

    /// Maps IAM's `Active` / `Inactive` strings; anything else becomes `.other`.
    public init(_ raw: String) {
        switch raw {
        case "Active": self = .active
        case "Inactive": self = .inactive
        default: self = .other(raw)
        }
    }
}

/// One entry of `ListSSHPublicKeys`: which key a user has, without its body.
public struct SSHPublicKeyMetadata: Sendable, Equatable {
    /// The owner's user name.
    public var userName: String
    /// The key id (`APKA...`).
    public var keyID: String
    /// Whether the key is active.
    public var status: SSHPublicKeyStatus
    /// When the key was uploaded.
    public var uploadDate: Date

    /// Creates a key metadata value.
    public init(userName: String, keyID: String, status: SSHPublicKeyStatus, uploadDate: Date) {
        self.userName = userName
        self.keyID = keyID
        self.status = status
        self.uploadDate = uploadDate
    }
}

/// An SSH public key from `GetSSHPublicKey` with `Encoding=SSH`: the body is one OpenSSH `authorized_keys` line.
public struct SSHPublicKey: Sendable, Equatable {
    /// The owner's user name.
    public var userName: String
    /// The key id (`APKA...`).
    public var keyID: String
    /// The MD5 fingerprint IAM computed.
    public var fingerprint: String
    /// The key exactly as IAM returned it; callers must validate it before writing it anywhere.
    public var body: String
    /// Whether the key is active.
    public var status: SSHPublicKeyStatus
    /// When the key was uploaded.
    public var uploadDate: Date

    /// Creates a key value.
    public init(
        userName: String, keyID: String, fingerprint: String, body: String, status: SSHPublicKeyStatus,
        uploadDate: Date
    ) {
        self.userName = userName
        self.keyID = keyID
        self.fingerprint = fingerprint
        self.body = body
        self.status = status
        self.uploadDate = uploadDate
    }
}

/// One tag of an IAM user.
public struct IAMTag: Sendable, Equatable {
    /// The tag key.
    public var key: String
    /// The tag value (may be empty).
    public var value: String

    /// Creates a tag value.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
