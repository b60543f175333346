#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// The IAM directory as one fleet publisher read it: the users, their groups, active SSH keys and tags that every
/// reader host applies instead of reading IAM itself.
///
/// Users are sorted by name and unique; each user's groups and keys are sorted; groups are sorted by name and
/// include groups without members (so a reader can tell "empty group" from "no such group").
public struct FleetSnapshot: Sendable, Equatable {
    /// The version of the snapshot format this type reads and writes.
    public static let formatVersion = 1

    /// Increases with every published snapshot; a reader refuses one older than the last it applied.
    public var serial: UInt64
    /// When the publisher finished reading IAM for this snapshot (whole seconds).
    public var generated: Date
    /// Every IAM user, sorted by name.
    public var users: [FleetUser]
    /// Every IAM group, sorted by name.
    public var groups: [FleetGroup]

    /// A snapshot with the given contents (callers pass sorted lists; the encoder checks).
    public init(serial: UInt64, generated: Date, users: [FleetUser], groups: [FleetGroup]) {
        self.serial = serial
        self.generated = generated
        self.users = users
        self.groups = groups
    }
}

/// One IAM user in a fleet snapshot.
public struct FleetUser: Sendable, Equatable {
    /// The IAM user name.
    public var name: String
    /// The IAM UserId (`AIDA…`), stable across renames.
    public var id: String
    /// The user's ARN.
    public var arn: String
    /// The user's IAM path.
    public var path: String
    /// The names of the IAM groups the user belongs to, sorted.
    public var groups: [String]
    /// The user's tags that the publisher was configured to carry (others are left out).
    public var tags: [String: String]
    /// The user's active SSH public keys, sorted by key id; inactive keys are not published.
    public var keys: [FleetKey]

    /// A user with the given fields.
    public init(
        name: String, id: String, arn: String, path: String, groups: [String], tags: [String: String],
        keys: [FleetKey]
    ) {
        self.name = name
        self.id = id
        self.arn = arn
        self.path = path
        self.groups = groups
        self.tags = tags
        self.keys = keys
    }
}

/// One active SSH public key of an IAM user in a fleet snapshot.
public struct FleetKey: Sendable, Equatable {
    /// The IAM SSH public key id (`APKA…`); a key's body never changes under its id.
    public var id: String
    /// The key in OpenSSH encoding, as `GetSSHPublicKey` with `Encoding=SSH` returns it.
    public var body: String
    /// The MD5 fingerprint IAM reports.
    public var fingerprint: String
    /// When the key was uploaded to IAM (whole seconds).
    public var uploaded: Date

    /// A key with the given fields.
    public init(id: String, body: String, fingerprint: String, uploaded: Date) {
        self.id = id
        self.body = body
        self.fingerprint = fingerprint
        self.uploaded = uploaded
    }
}

/// One IAM group in a fleet snapshot (its members are the users listing it).
public struct FleetGroup: Sendable, Equatable {
    /// The IAM group name.
    public var name: String
    /// The IAM GroupId.
    public var id: String
    /// The group's ARN.
    public var arn: String

    /// A group with the given fields.
    public init(name: String, id: String, arn: String) {
        self.name = name
        self.id = id
        self.arn = arn
    }
}
