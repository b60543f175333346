import AWSCore
public import EC2SSHCore

/// `import_users check`: calls every AWS action the configuration needs once and reports what AWS answered.
///
/// The per-user reads (`ListSSHPublicKeys`, `GetSSHPublicKey`, `ListGroupsForUser`, `ListUserTags`) are made for
/// the first user the group or user listing returned (and its first key), or for a name that does not exist when
/// there is none: IAM answers `NoSuchEntity` only to a caller it has authorized, so that counts as allowed. Nothing
/// is written anywhere.
public struct PermissionCheck: Sendable {
    /// The user name the per-user reads use when no listing returned a user.
    public static let placeholderUser = "aws-ec2-ssh-permission-check"
    /// The IAM group name `iam:GetGroup` is called with when the groups come from an instance tag.
    public static let placeholderGroup = "aws-ec2-ssh-permission-check"
    /// The key id `GetSSHPublicKey` is called with when the user has no key (well-formed, never issued).
    public static let placeholderKeyID = "APKAAWSEC2SSHCHECK000"

    /// The AWS error codes that mean "not allowed".
    static let deniedCodes: Set<String> = [
        "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
    ]

    private let configuration: Configuration
    private let probe: any PermissionProbing

    /// Creates a check of what `configuration` needs, calling AWS through `probe`.
    public init(configuration: Configuration, probe: any PermissionProbing) {
        self.configuration = configuration
        self.probe = probe
    }

    /// Calls each needed action once, in `PermissionRequirements.needs(for:)` order.
    public func run() -> PermissionReport {
        var results: [PermissionReport.Result] = []
        var sampleUser: String?
        var sampleKey: String?
        var blocked: String?
        var instanceID: Result<String, any Error>?
        for need in PermissionRequirements.needs(for: configuration) {
            if let blocked, need.principal == .assumedRole {
                results.append(.init(need: need, status: .skipped(blocked)))
                continue
            }
            let status: PermissionReport.Status
            switch need.action {
            case PermissionRequirements.assumeRole:
                status = Self.classify(need) { try probe.assumeRole() }
                if status.name != "allowed" {
                    blocked = "IAM is read with the ASSUMEROLE role, and sts:AssumeRole did not succeed"
                }
            case PermissionRequirements.describeTags:
                let id = instanceID ?? Result { try probe.instanceID() }
                instanceID = id
                switch id {
                case .success(let id):
                    status = Self.classify(need) { try probe.describeTags(instanceID: id, key: need.subject ?? "") }
                case .failure(let error):
                    status = .error(
                        "the instance id is unknown, so DescribeTags cannot be tried: \(error) "
                            + "(\(AWSFailureAdvice.advice(for: error)))")
                }
            case PermissionRequirements.getObject:
                status = snapshotStatus(need)
            default:
                let (action, parameters) = call(need, user: sampleUser, key: sampleKey)
                var result: XMLElement?
                status = Self.classify(need) { result = try probe.iam(action, parameters) }
                if sampleUser == nil { sampleUser = result?.text(of: "Users/member/UserName") }
                if sampleKey == nil { sampleKey = result?.text(of: "SSHPublicKeys/member/SSHPublicKeyId") }
            }
            results.append(.init(need: need, status: status))
        }
        return PermissionReport(results: results, roleARN: configuration.assumeRole)
    }

    /// The status of `s3:GetObject` on SNAPSHOT_URL: one real (unconditional) GetObject.
    ///
    /// `NoSuchKey` is allowed (S3 tells it only to a caller that may read the object): nothing is published yet.
    /// `AccessDenied` is denied, with the reminder that S3 also answers it for a missing object to a caller
    /// without `s3:ListBucket`.
    func snapshotStatus(_ need: PermissionNeed) -> PermissionReport.Status {
        guard let url = configuration.snapshotURL else { return .error("SNAPSHOT_URL is not set") }
        do {
            try probe.getObject(
                S3Location(bucket: url.bucket, key: url.key), expectedBucketOwner: configuration.snapshotBucketOwner)
            return .allowed(note: nil)
        } catch AWSError.service("NoSuchKey", _, _, _) {
            return .allowed(
                note: "the object \(url.text) does not exist yet: run import_users publish on the publisher; "
                    + "until then this host has no snapshot to apply")
        } catch AWSError.service(let code, let message, _, _) where Self.deniedCodes.contains(code) {
            let owner = configuration.snapshotBucketOwner
            return .denied(
                code: code,
                message: message + " (S3 also answers AccessDenied for an object that does not exist to a caller "
                    + "without s3:ListBucket: if the policy grants s3:GetObject on it, check that import_users "
                    + "publish has put it" + (owner.isEmpty ? ")" : ", and that account \(owner) owns the bucket)"))
        } catch {
            return Self.classify(need) { throw error }
        }
    }

    /// The IAM Query action and parameters that exercise `need` with one request.
    func call(_ need: PermissionNeed, user: String?, key: String?) -> (String, [(String, String)]) {
        let action = String(need.action.split(separator: ":").last ?? "")
        let user = user ?? Self.placeholderUser
        switch need.action {
        case PermissionRequirements.listUsers: return (action, [("MaxItems", "1")])
        case PermissionRequirements.getGroup:
            return (action, [("GroupName", need.subject ?? Self.placeholderGroup), ("MaxItems", "1")])
        case PermissionRequirements.getSSHPublicKey:
            return (
                action,
                [("UserName", user), ("SSHPublicKeyId", key ?? Self.placeholderKeyID), ("Encoding", "SSH")]
            )
        case PermissionRequirements.listSSHPublicKeys: return (action, [("UserName", user)])
        default: return (action, [("UserName", user), ("MaxItems", "1")])
        }
    }

    /// The status of one call: allowed when it returns (or IAM says the subject does not exist), denied for an
    /// access-denied code, an error otherwise.
    static func classify(_ need: PermissionNeed, _ body: () throws -> Void) -> PermissionReport.Status {
        do {
            try body()
            return .allowed(note: nil)
        } catch let error as AWSError {
            switch error {
            case .service(let code, let message, _, _) where deniedCodes.contains(code):
                return .denied(code: code, message: message)
            case .service("NoSuchEntity", _, _, _):
                return .allowed(note: noSuchEntityNote(need))
            default:
                return .error("\(error) (\(AWSFailureAdvice.advice(for: error)))")
            }
        } catch {
            return .error("\(error)")
        }
    }

    /// What a `NoSuchEntity` answer means for `need`.
    static func noSuchEntityNote(_ need: PermissionNeed) -> String {
        if need.action == PermissionRequirements.getGroup, let group = need.subject {
            return "IAM group \(group) does not exist: it is read as a group without members; create it in IAM or "
                + "remove it from the configuration"
        }
        return "IAM answered NoSuchEntity for the user or key the check used, which it only tells a caller it "
            + "has authorized"
    }
}
