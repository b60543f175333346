public import AWSCore
public import EC2SSHCore

/// The `AWSReading` of a fleet reader: the IAM reads answered from a verified snapshot, so `IAMReader` and the
/// planner work exactly as after a direct IAM read; the instance-tag reads still go to IMDS and EC2 (`instance`).
///
/// A group the snapshot does not list is IAM's `NoSuchEntity`, as `GetGroup` would answer. No IAM client exists
/// behind it: a reader host needs no IAM permission.
public struct FleetSnapshotAWSReader: AWSReading {
    private let users: [IAMUser]
    private let byName: [String: FleetUser]
    private let groups: [String: FleetGroup]
    private let members: [String: [IAMUser]]
    private let instance: any AWSReading

    /// A reader over `snapshot`, with the instance-tag reads going to `instance`.
    public init(snapshot: FleetSnapshot, instance: any AWSReading) {
        var byName: [String: FleetUser] = [:]
        var members: [String: [IAMUser]] = [:]
        var users: [IAMUser] = []
        for user in snapshot.users {
            let iamUser = IAMUser(userName: user.name, userID: user.id, arn: user.arn, path: user.path)
            users.append(iamUser)
            byName[user.name] = user
            for group in user.groups { members[group, default: []].append(iamUser) }
        }
        self.users = users
        self.byName = byName
        self.members = members
        self.groups = Dictionary(snapshot.groups.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.instance = instance
    }

    /// Every user of the snapshot.
    public func listUsers() throws -> [IAMUser] { users }

    /// The group and its members; `NoSuchEntity` when the snapshot does not list it.
    public func getGroup(_ name: String) throws -> IAMGroupMembers {
        guard let group = groups[name] else {
            throw AWSError.service(
                code: "NoSuchEntity", message: "The group with name \(name) is not in the fleet snapshot.",
                requestID: nil, status: 404)
        }
        return IAMGroupMembers(
            group: IAMGroup(groupName: group.name, groupID: group.id, arn: group.arn), users: members[name] ?? [])
    }

    /// The tags the publisher carried for the user (SNAPSHOT_TAGS); `NoSuchEntity` for an unknown user.
    public func listUserTags(userName: String) throws -> [IAMTag] {
        guard let user = byName[userName] else {
            throw AWSError.service(
                code: "NoSuchEntity", message: "The user with name \(userName) is not in the fleet snapshot.",
                requestID: nil, status: 404)
        }
        return user.tags.keys.sorted().map { IAMTag(key: $0, value: user.tags[$0] ?? "") }
    }

    /// From IMDS, as in direct mode.
    public func instanceTagFromMetadata(_ key: String) throws -> String? {
        try instance.instanceTagFromMetadata(key)
    }

    /// From IMDS, as in direct mode.
    public func instanceID() throws -> String {
        try instance.instanceID()
    }

    /// From EC2 `DescribeTags`, as in direct mode.
    public func describeInstanceTag(instanceID: String, key: String) throws -> String? {
        try instance.describeInstanceTag(instanceID: instanceID, key: key)
    }
}
