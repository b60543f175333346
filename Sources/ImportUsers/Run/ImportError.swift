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
    /// state.json does not exist although the marker group has members, so ownership is unknown.
    case stateMissing(path: String, markerGroup: String, members: [String])
    /// `--rebuild-state` was given but state.json exists.
    case stateExists(path: String)
    /// Adopting accounts without a state file (`option`: `--rebuild-state` or `--adopt-legacy-accounts`) needs a
    /// complete IAM read, and this one was not.
    case adoptionNeedsCompleteRead(option: String, reads: [String])
    /// `--adopt-legacy-accounts` could not record that adoption is pending (STATE_DIR's marker file).
    case adoptionNotRecorded(path: String, detail: String)

    /// The exit status for this failure.
    public var exitCode: ImportExitCode {
        switch self {
        case .doNotSync: return .doNotSync
        case .unusableStateFile, .unsafeStateDirectory, .notRoot: return .configuration
        case .iamUnreadable: return .aws
        case .lockHeld: return .lockHeld
        case .hostUnreadable: return .internalError
        case .stateMissing: return .stateMissing
        case .stateExists: return .configuration
        case .adoptionNeedsCompleteRead: return .partial
        case .adoptionNotRecorded: return .configuration
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
        case .stateMissing(let path, let marker, let members):
            let shown = members.prefix(10).joined(separator: ", ") + (members.count > 10 ? ", ..." : "")
            return "\(path) is missing, but marker group \(marker) has \(members.count) member(s) (\(shown)): "
                + "import_users cannot tell which accounts it created, so it changes nothing (without the state "
                + "they would all be left alone for good). Restore \(path) from a backup, or rebuild it from the "
                + "marker group and managed-users.json: run import_users --rebuild-state --dry-run, check the "
                + "plan, then run import_users --rebuild-state. A host migrated from the bash aws-ec2-ssh "
                + "needs import_users --adopt-legacy-accounts instead"
        case .stateExists(let path):
            return "--rebuild-state only rebuilds a missing state file, and \(path) exists; nothing was changed "
                + "(move it away first if it is really wrong)"
        case .adoptionNeedsCompleteRead(let option, let reads):
            return "\(option) without a state file needs a complete IAM read, and this one was not "
                + "(\(reads.joined(separator: "; "))); nothing was changed; fix IAM access and run it again"
        case .adoptionNotRecorded(let path, let detail):
            return "--adopt-legacy-accounts cannot record that adoption is pending in \(path): \(detail); nothing "
                + "was changed; fix STATE_DIR (a root-owned directory writable only by root) and run it again"
        }
    }
}
