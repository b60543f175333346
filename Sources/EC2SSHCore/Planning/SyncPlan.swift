#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What one run will do: ordered actions, what it leaves alone and why, and the state to persist.
///
/// The executor writes `intentState` (when it differs from the state it read) before the first action, runs the
/// actions in order, and writes `finalState` at the end, with the intent entry kept for each account whose
/// action failed. A run killed anywhere in between leaves `intentState` on disk, which the next plan repairs.
public struct SyncPlan: Sendable, Equatable, Codable {
    /// One change to the host.
    public enum Action: Sendable, Equatable, Codable {
        /// Create a local group (the marker group).
        case createGroup(name: String)
        /// Create a local account, already a member of `groups` (the marker group first).
        case createUser(localName: String, iamUserName: String, uid: UInt32?, groups: [String])
        /// Add an account to supplementary groups, keeping its other groups.
        case addToGroups(localName: String, groups: [String])
        /// Remove an account from supplementary groups that import_users granted.
        case removeFromGroups(localName: String, groups: [String])
        /// Write (visudo-checked, atomically, mode 0440) a file in /etc/sudoers.d.
        case writeSudoers(localName: String, fileName: String, content: String)
        /// Remove one of our files from /etc/sudoers.d.
        case removeSudoers(localName: String, fileName: String)
        /// Remove a sudoers file the previous (bash) aws-ec2-ssh wrote for an account being adopted.
        case removeLegacySudoers(localName: String, fileName: String)
        /// Lock the account, end its processes, run userdel, remove its sudoers file and its state entry.
        case deleteUser(localName: String, iamUserName: String, sudoersFileName: String)
        /// Lock an account whose IAM user lost access (`usermod --lock --expiredate 1`); reversible.
        case lockUser(localName: String)
        /// Unlock an account import_users locked, once its IAM user is authorized again.
        case unlockUser(localName: String)

        /// The local name the action is about (the group name for `createGroup`).
        public var subject: String {
            switch self {
            case .createGroup(let name): return name
            case .createUser(let name, _, _, _), .addToGroups(let name, _), .removeFromGroups(let name, _),
                .writeSudoers(let name, _, _), .removeSudoers(let name, _), .removeLegacySudoers(let name, _),
                .deleteUser(let name, _, _), .lockUser(let name), .unlockUser(let name):
                return name
            }
        }

        /// One human-readable line.
        public var summary: String {
            switch self {
            case .createGroup(let name):
                return "create group \(name)"
            case .createUser(let name, let iamName, let uid, let groups):
                let uidText = uid.map { " uid \($0)," } ?? ""
                return "create user \(name) (IAM \(iamName),\(uidText) groups \(groups.joined(separator: ",")))"
            case .addToGroups(let name, let groups):
                return "add \(name) to groups \(groups.joined(separator: ","))"
            case .removeFromGroups(let name, let groups):
                return "remove \(name) from groups \(groups.joined(separator: ","))"
            case .writeSudoers(let name, let file, _):
                return "grant sudo to \(name) (/etc/sudoers.d/\(file))"
            case .removeSudoers(let name, let file):
                return "revoke sudo from \(name) (remove /etc/sudoers.d/\(file))"
            case .removeLegacySudoers(let name, let file):
                return "remove legacy sudoers file /etc/sudoers.d/\(file) of adopted \(name)"
            case .deleteUser(let name, let iamName, _):
                return "delete user \(name) (IAM \(iamName)): lock, end processes, userdel, remove sudoers and state"
            case .lockUser(let name):
                return "lock user \(name) (no longer authorized; no login, not in the key command's index)"
            case .unlockUser(let name):
                return "unlock user \(name) (authorized again)"
            }
        }
    }

    /// A local account that has an IAM user's name but is not ours; it is never touched.
    public struct Conflict: Sendable, Equatable, Codable {
        /// The local name.
        public var localName: String
        /// The IAM user with that name.
        public var iamUserName: String?
        /// Why it is left alone.
        public var message: String

        /// Creates a conflict.
        public init(localName: String, iamUserName: String?, message: String) {
            self.localName = localName
            self.iamUserName = iamUserName
            self.message = message
        }
    }

    /// Something the operator should know: a guard that held changes back, a per-group problem, a repair.
    public struct Notice: Sendable, Equatable, Codable {
        /// How serious a notice is; any `error` should make the run exit non-zero.
        public enum Severity: String, Sendable, Equatable, Codable {
            /// For the record.
            case info
            /// Needs attention, the run is still fine.
            case warning
            /// The run could not do everything it should.
            case error
        }

        /// What kind of notice it is.
        public enum Kind: String, Sendable, Equatable, Codable {
            /// An IAM read failed or was partial: no deletions, no sudo or group removals.
            case incompleteRead
            /// Deletions exceed the cap: none happen this run.
            case deletionCapExceeded
            /// An account is missing from IAM but the missing-runs guard keeps it for now.
            case pendingDeletion
            /// An IAM user is no longer authorized: its account is locked, loses sudo and leaves the index now.
            case accessRevoked
            /// An IAM user whose account import_users locked is authorized again: the account is unlocked.
            case accessRestored
            /// An IAM user was re-created with a new UserId; the old account goes first.
            case recreatedIAMUser
            /// A managed account is kept unchanged (collision, missing marker group, incomplete read).
            case held
            /// A local group named in LOCAL_GROUPS or LOCAL_GROUP_MAP does not exist.
            case missingLocalGroup
            /// A pre-assigned UID is already in use.
            case uidInUse
            /// SUDOERS_RULE cannot be used.
            case invalidSudoersRule
            /// An account of the previous aws-ec2-ssh was adopted (migration).
            case adopted
            /// The state was repaired after an interrupted run or a change made by hand.
            case repaired
        }

        /// How serious it is.
        public var severity: Severity
        /// What kind it is.
        public var kind: Kind
        /// The local name or group it is about, if any.
        public var subject: String?
        /// One line for the log.
        public var message: String

        /// Creates a notice.
        public init(severity: Severity, kind: Kind, subject: String?, message: String) {
            self.severity = severity
            self.kind = kind
            self.subject = subject
            self.message = message
        }
    }

    /// A new account that gets no UID this run (UID_SOURCE=iam-user-id and no room left in UID_RANGE).
    public struct UnassignedUID: Sendable, Equatable, Codable {
        /// The local name that is not created this run.
        public var localName: String
        /// A one-line explanation for the log (an error: the run exits non-zero).
        public var message: String

        /// Creates an entry.
        public init(localName: String, message: String) {
            self.localName = localName
            self.message = message
        }
    }

    /// Whether the IAM read was complete.
    public var complete: Bool
    /// The changes, in the order to run them.
    public var actions: [Action]
    /// Pre-existing accounts left alone.
    public var conflicts: [Conflict]
    /// IAM users without an account (bad name, collision, expired).
    public var skipped: [DesiredState.Skipped]
    /// Guard notices, per-group problems and repairs.
    public var notices: [Notice]
    /// The state to persist before the first action.
    public var intentState: ManagedState
    /// The state to persist after every action succeeded.
    public var finalState: ManagedState
    /// The new accounts left out because no deterministic UID was free, sorted by local name; not in the plan's
    /// text or JSON, the run logs each as an error.
    public var unassignedUIDs: [UnassignedUID]
    /// Whether this run rebuilds a lost state (no state file, adoption on): the state file is then written even
    /// when nothing changes, so that later runs know the marker group's members.
    public var rebuildsState = false

    /// Creates a plan.
    public init(
        complete: Bool, actions: [Action], conflicts: [Conflict], skipped: [DesiredState.Skipped],
        notices: [Notice], intentState: ManagedState, finalState: ManagedState, unassignedUIDs: [UnassignedUID] = []
    ) {
        self.complete = complete
        self.actions = actions
        self.conflicts = conflicts
        self.skipped = skipped
        self.notices = notices
        self.intentState = intentState
        self.finalState = finalState
        self.unassignedUIDs = unassignedUIDs
    }

    /// The state to persist when the actions for `subjects` did not all succeed: `finalState`, except that each
    /// of those accounts keeps its `intentState` entry (or none), which the next plan repairs.
    public func finalState(keepingIntentOf subjects: Set<String>) -> ManagedState {
        var state = finalState
        for subject in subjects {
            state.accounts[subject] = intentState.accounts[subject]
        }
        return state
    }

    /// Whether any notice is an error, so the run should exit non-zero.
    public var hasErrors: Bool { notices.contains { $0.severity == .error } }

    /// Whether the plan changes nothing, not even the state file, given the state it was planned from.
    public func isNoOp(from state: ManagedState) -> Bool {
        actions.isEmpty && intentState == state && finalState == state
    }

    /// A human-readable summary: one line per action, conflict, skipped user and notice.
    public func renderText() -> String {
        var lines: [String] = []
        lines.append(
            actions.isEmpty
                ? "Plan: nothing to change" : "Plan: \(actions.count) action\(actions.count == 1 ? "" : "s")")
        lines += actions.map { "  \($0.summary)" }
        if !conflicts.isEmpty {
            lines.append("Conflicts (left alone):")
            lines += conflicts.map { "  \($0.localName): \($0.message)" }
        }
        if !skipped.isEmpty {
            lines.append("Skipped IAM users:")
            lines += skipped.map { "  \($0.message)" }
        }
        if !notices.isEmpty {
            lines.append("Notices:")
            lines += notices.map { "  [\($0.severity.rawValue)] \($0.message)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
