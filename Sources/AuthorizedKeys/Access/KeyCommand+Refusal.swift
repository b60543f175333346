#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

extension KeyCommand {
    /// Why authorized_keys_command prints no keys for a user: every case is logged once, with its reason.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// The name sshd passed is not a valid local user name (`^[0-9a-zA-Z._-]{1,32}$`).
        case invalidUserName
        /// The user is called root.
        case rootName
        /// No local account has this name.
        case noSuchAccount
        /// Looking the account up failed (for example an unreachable directory service).
        case accountLookupFailed(detail: String)
        /// The account has UID 0.
        case superuserUID
        /// The account is a system account (UID below UID_MIN of /etc/login.defs).
        case systemAccount(uid: UInt32, uidMin: UInt32)
        /// The managed users index written by import_users does not exist yet.
        case indexMissing(path: String)
        /// The index or its directory has an owner or mode that makes it untrustworthy.
        case indexUntrusted(path: String, reason: String)
        /// The index could not be read or decoded.
        case indexUnreadable(path: String, detail: String)
        /// import_users does not manage this account (it is not in the index).
        case notManaged
        /// The account's UID is not the one import_users created it with (the account was re-created by hand).
        case uidMismatch(indexed: UInt32, actual: UInt32)
        /// The account is not in LOCAL_MARKER_GROUP, or that group does not exist.
        case notInMarkerGroup(group: String)
        /// The index maps the account to an IAM user whose name does not map back to the account's name.
        case nameMismatch(expectedIAMName: String, indexedIAMName: String)
        /// Temporary access of the IAM user ended.
        case accessExpired(at: Date)
        /// IAM_AUTHORIZED_GROUPS is set and IAM says the user is in none of those groups.
        case notInAuthorizedGroups(groups: [String])
        /// IAM answered NoSuchEntity: the IAM user no longer exists.
        case iamUserGone(iamUserName: String)

        /// A short stable token for the audit line, for example `system-account`.
        public var code: String {
            switch self {
            case .invalidUserName: return "invalid-name"
            case .rootName: return "root"
            case .noSuchAccount: return "no-such-account"
            case .accountLookupFailed: return "account-lookup-failed"
            case .superuserUID: return "uid-0"
            case .systemAccount: return "system-account"
            case .indexMissing: return "index-missing"
            case .indexUntrusted: return "index-untrusted"
            case .indexUnreadable: return "index-unreadable"
            case .notManaged: return "not-managed"
            case .uidMismatch: return "uid-mismatch"
            case .notInMarkerGroup: return "not-in-marker-group"
            case .nameMismatch: return "name-mismatch"
            case .accessExpired: return "access-expired"
            case .notInAuthorizedGroups: return "not-in-authorized-groups"
            case .iamUserGone: return "iam-user-gone"
            }
        }

        /// Whether the user's cached keys must be deleted at once (IAM or import_users said the user lost access).
        public var clearsCache: Bool {
            switch self {
            case .notManaged, .nameMismatch, .accessExpired, .notInAuthorizedGroups, .iamUserGone: return true
            default: return false
            }
        }

        /// A sentence for the log saying why no keys were printed and, where useful, what to do.
        public var description: String {
            switch self {
            case .invalidUserName: return "the user name is not a valid local user name"
            case .rootName: return "keys are never served for root"
            case .noSuchAccount: return "no local account has this name"
            case .accountLookupFailed(let detail): return "the account lookup failed: \(detail)"
            case .superuserUID: return "the account has UID 0; keys are never served for superuser accounts"
            case .systemAccount(let uid, let uidMin):
                return "the account is a system account (UID \(uid) is below UID_MIN \(uidMin) of /etc/login.defs)"
            case .indexMissing(let path):
                return "\(path) does not exist; run import_users to create it"
            case .indexUntrusted(let path, let reason):
                return "\(path) is not trusted: \(reason); it must be owned by root and not group- or world-writable"
            case .indexUnreadable(let path, let detail): return "\(path) cannot be read: \(detail)"
            case .notManaged: return "import_users does not manage this account"
            case .uidMismatch(let indexed, let actual):
                return "the account has UID \(actual), but import_users created it with UID \(indexed); it was "
                    + "probably deleted and re-created by hand: delete it, then let import_users create it again"
            case .notInMarkerGroup(let group):
                return "the account is not in the marker group \(group) (LOCAL_MARKER_GROUP); import_users adds every "
                    + "account it manages"
            case .nameMismatch(let expected, let indexed):
                return "the index names IAM user '\(indexed)' but the account name maps to '\(expected)'"
            case .accessExpired(let date):
                return "temporary access ended at \(Date.ISO8601FormatStyle().format(date))"
            case .notInAuthorizedGroups(let groups):
                return "the IAM user is in none of IAM_AUTHORIZED_GROUPS (\(groups.joined(separator: ",")))"
            case .iamUserGone(let name): return "IAM user '\(name)' no longer exists (NoSuchEntity)"
            }
        }
    }
}
