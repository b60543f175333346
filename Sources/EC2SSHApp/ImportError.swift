/// A failure that ends an import_users run early, each mapped to one exit status.
public enum ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// DONOTSYNC=1 is set.
    case doNotSync(path: String)
    /// The state file cannot be decoded or is from a newer version.
    case unusableStateFile(path: String, detail: String)
    /// IAM could not be read at all, so nothing is known about who should have an account; `advice` says what
    /// to do (see `AWSFailureAdvice`).
    case iamUnreadable(reads: [String], advice: String = AWSFailureAdvice.generic)
    /// import_users runs as a user other than root.
    case notRoot(uid: UInt32)
    /// STATE_DIR is not a root-owned directory writable by root only.
    case unsafeStateDirectory(path: String, detail: String)
    /// Another run holds the lock.
    case lockHeld(path: String)
    /// The local accounts or sudoers files could not be read.
    case hostUnreadable(detail: String)

    /// The exit status for this failure.
    public var exitCode: ImportExitCode {
        switch self {
        case .doNotSync: return .doNotSync
        case .unusableStateFile, .unsafeStateDirectory, .notRoot: return .configuration
        case .iamUnreadable: return .aws
        case .lockHeld: return .lockHeld
        case .hostUnreadable: return .internalError
        }
    }

    /// What went wrong and what to do.
    public var description: String {
        switch self {
        case .doNotSync(let path):
            return "DONOTSYNC=1 is set in \(path): import_users does not sync; set DONOTSYNC=0 to enable it"
        case .unusableStateFile(let path, let detail):
            return "\(path): \(detail)"
        case .unsafeStateDirectory(let path, let detail):
            return "STATE_DIR \(path) is not safe: \(detail); it must be a directory owned by root and writable only "
                + "by root (chown root:root \(path); chmod 0755 \(path)); nothing was changed"
        case .iamUnreadable(let reads, let advice):
            return "IAM could not be read (\(reads.joined(separator: "; "))); nothing was changed; \(advice)"
        case .notRoot(let uid):
            return "import_users must run as root (it runs as uid \(uid)): it creates accounts and writes "
                + "/etc/sudoers.d and STATE_DIR; run it as root (sudo import_users), or use --dry-run as root to "
                + "only look"
        case .lockHeld(let path):
            return "another import_users run holds the lock \(path); this run exits without doing anything"
        case .hostUnreadable(let detail):
            return "cannot read the local accounts: \(detail); nothing was changed"
        }
    }
}
