public import AWSCore

/// A failure that ends `import_users publish` without publishing, each mapped to one exit status.
public enum PublishError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A setting the publisher needs is missing or unusable.
    case configuration(detail: String)
    /// A file in STATE_DIR/publisher cannot be used.
    case unusableState(path: String, detail: String)
    /// An IAM read failed (after retries) or came back incomplete; `operation` is for example `iam:GetGroup`,
    /// `subject` the group or user it read.
    case iamRead(operation: String, subject: String?, error: AWSError)
    /// IAM answered something that cannot go into a snapshot (a duplicate user, a key for another user, …).
    case inconsistentDirectory(detail: String)
    /// An S3 or KMS call failed (after retries); `operation` is for example `s3:PutObject` or `kms:Sign`.
    case storage(operation: String, error: AWSError)
    /// The snapshot could not be encoded (a value the format cannot hold).
    case encoding(detail: String)
    /// The object was put, but the publisher's state could not be recorded.
    case stateNotRecorded(path: String, detail: String)
    /// Another publish holds the lock.
    case lockHeld(path: String)

    /// The exit status for this failure.
    public var exitCode: PublishExitCode {
        switch self {
        case .configuration, .unusableState: return .configuration
        case .iamRead, .inconsistentDirectory: return .iam
        case .storage, .stateNotRecorded: return .storage
        case .encoding: return .internalError
        case .lockHeld: return .lockHeld
        }
    }

    /// One line: what failed, with the AWS error code, and what to do.
    public var description: String {
        switch self {
        case .configuration(let detail):
            return "configuration: \(detail); nothing was published"
        case .unusableState(let path, let detail):
            return "\(path) cannot be used: \(detail); move it away to start again from the serial of the object in "
                + "S3; nothing was published"
        case .iamRead(let operation, let subject, let error):
            let what = subject.map { "\(operation) \($0)" } ?? operation
            return "\(what) failed: \(error); the IAM read is incomplete, so nothing was "
                + "published (the object in S3 is unchanged); \(Self.iamAdvice(error))"
        case .inconsistentDirectory(let detail):
            return "IAM answered inconsistently: \(detail); nothing was published, the next run reads again"
        case .storage(let operation, let error):
            return "\(operation) failed: \(error); \(Self.storageAdvice(operation, error))"
        case .encoding(let detail):
            return "the snapshot cannot be encoded: \(detail); nothing was published"
        case .stateNotRecorded(let path, let detail):
            return "the snapshot was published, but \(path) could not be written: \(detail); the next run continues "
                + "from the serial in S3"
        case .lockHeld(let path):
            return "another import_users publish holds \(path); nothing was done"
        }
    }

    private static func iamAdvice(_ error: AWSError) -> String {
        switch error.code {
        case "AccessDenied", "AccessDeniedException":
            return "grant the publisher etc/iam/fleet-publisher-policy.json"
        case let code? where AWSError.retryableCodes.contains(code):
            return "IAM is throttling or unavailable: the next run tries again"
        default:
            return "check the credentials, the network and the publisher policy, then run again"
        }
    }

    private static func storageAdvice(_ operation: String, _ error: AWSError) -> String {
        let nothing = operation == "s3:PutObject" ? "the object in S3 is unchanged" : "nothing was published"
        switch error.code {
        case "AccessDenied", "AccessDeniedException":
            return "\(nothing); grant the publisher etc/iam/fleet-publisher-policy.json (and check the KMS key policy)"
        case "NoSuchBucket":
            return "\(nothing); create the bucket of SNAPSHOT_URL or correct SNAPSHOT_URL"
        case "NotFoundException", "DisabledException", "KMSInvalidStateException":
            return "\(nothing); check SNAPSHOT_KMS_KEY_ID (an enabled ECC_NIST_P256 SIGN_VERIFY key)"
        default:
            return "\(nothing); the next run tries again"
        }
    }
}

/// The exit statuses of `import_users publish`, documented in its `--help` and in README.
public enum PublishExitCode: Int32, Sendable, Equatable, CaseIterable {
    /// Published, or nothing changed and the object in S3 is recent enough.
    case ok = 0
    /// An unexpected internal error.
    case internalError = 1
    /// The configuration or the publisher state cannot be used; nothing was published.
    case configuration = 2
    /// IAM could not be read completely; nothing was published.
    case iam = 3
    /// S3 or KMS failed; nothing was published (or the state after a put could not be recorded).
    case storage = 4
    /// Another publish holds the lock.
    case lockHeld = 5

    /// One line per exit status for the `--help` text.
    public static var helpText: String {
        """
        0  published, or unchanged and signed recently enough
           (nothing to do)
        1  unexpected internal error
        2  configuration error (SNAPSHOT_URL or SNAPSHOT_KMS_KEY_ID
           missing, bad state file); nothing published
        3  IAM could not be read completely (a failed or throttled
           read after retries, a truncated page); nothing published
        4  S3 or KMS failed; nothing published (or the object was put
           but the publisher's state could not be recorded)
        5  another import_users publish holds the lock
        """
    }
}
