/// One AWS API action a configuration makes aws-ec2-ssh call, with who calls it, why, and with which credentials.
public struct PermissionNeed: Sendable, Equatable {
    /// The credentials an action is called with.
    public enum Principal: String, Sendable, Equatable {
        /// The host's own credentials (instance role, or AWS_* keys / profile in the configuration).
        case host
        /// The role named by ASSUMEROLE (IAM reads when it is set).
        case assumedRole
    }

    /// The IAM policy action, for example `iam:ListGroupsForUser`.
    public var action: String
    /// What the check calls it on, when that matters: an IAM group name (`iam:GetGroup`), an instance tag key
    /// (`ec2:DescribeTags`) or the role ARN (`sts:AssumeRole`); `nil` otherwise.
    public var subject: String?
    /// The programs that call it: `import_users`, `authorized_keys_command`, or both.
    public var neededBy: [String]
    /// Why the configuration needs it, one sentence per setting, joined with "; ".
    public var reason: String
    /// The credentials it is called with.
    public var principal: Principal

    /// Creates a need.
    public init(action: String, subject: String? = nil, neededBy: [String], reason: String, principal: Principal) {
        self.action = action
        self.subject = subject
        self.neededBy = neededBy
        self.reason = reason
        self.principal = principal
    }

    /// The action with its subject, for example `iam:GetGroup ssh-users`.
    public var label: String {
        subject.map { "\(action) \($0)" } ?? action
    }

    /// The `Resource` an Allow statement for `action` needs, as in etc/iam/single-account-policy.json;
    /// `roleARN` is the ASSUMEROLE value (the resource of `sts:AssumeRole`), `snapshot` the SNAPSHOT_URL
    /// (`s3://bucket/key`, the resource of `s3:GetObject`; a placeholder ARN when it is `nil`).
    public static func policyResource(for action: String, roleARN: String, snapshot: String? = nil) -> String {
        switch action {
        case PermissionRequirements.assumeRole: return roleARN.isEmpty ? "*" : roleARN
        case PermissionRequirements.getObject:
            let object = snapshot.map { String($0.dropFirst("s3://".count)) } ?? "SNAPSHOT_BUCKET/SNAPSHOT_KEY"
            return "arn:aws:s3:::" + object
        case PermissionRequirements.getGroup: return "arn:aws:iam::*:group/*"
        case PermissionRequirements.listUserTags, PermissionRequirements.listSSHPublicKeys,
            PermissionRequirements.getSSHPublicKey, PermissionRequirements.listGroupsForUser:
            return "arn:aws:iam::*:user/*"
        default: return "*"
        }
    }

    /// The IAM policy statement that allows `action`, for example
    /// `{"Sid": "AwsEc2SshListGroupsForUser", "Effect": "Allow", "Action": "iam:ListGroupsForUser", ...}`.
    ///
    /// `snapshot` is the SNAPSHOT_URL the resource of `s3:GetObject` is made from (see `policyResource`).
    public static func statement(for action: String, roleARN: String, snapshot: String? = nil) -> JSONValue {
        let name = action.split(separator: ":").last.map(String.init) ?? action
        return .object([
            ("Sid", .string("AwsEc2Ssh" + name)),
            ("Effect", .string("Allow")),
            ("Action", .string(action)),
            ("Resource", .string(policyResource(for: action, roleARN: roleARN, snapshot: snapshot))),
        ])
    }

    /// A whole policy document (`Version` 2012-10-17) allowing each of `actions` once, in the order given.
    public static func policy(for actions: [String], roleARN: String, snapshot: String? = nil) -> JSONValue {
        var unique: [String] = []
        for action in actions where !unique.contains(action) { unique.append(action) }
        return .object([
            ("Version", .string("2012-10-17")),
            ("Statement", .array(unique.map { statement(for: $0, roleARN: roleARN, snapshot: snapshot) })),
        ])
    }
}
