/// What one run read from IAM: users, who is authorized, who gets sudo and the IAM group memberships needed for
/// LOCAL_GROUP_MAP.
///
/// A view is only trusted for removals when `isComplete` is true: every page, group and tag was read.
public struct IAMView: Sendable, Equatable, Codable {
    /// One IAM user as listed by IAM.
    public struct User: Sendable, Equatable, Codable {
        /// The IAM user name, for example `alice@example.com`.
        public var userName: String
        /// The IAM UserId (`AIDA...`), stable for one person even when the name is reused.
        public var userID: String
        /// The user's IAM tags; only the expiry tag is used.
        public var tags: [String: String]

        /// Creates a user.
        public init(userName: String, userID: String, tags: [String: String] = [:]) {
            self.userName = userName
            self.userID = userID
            self.tags = tags
        }
    }

    /// A set of IAM users: everyone, or the named ones.
    public enum Selection: Sendable, Equatable, Codable {
        /// Every IAM user in the view.
        case all
        /// Only these IAM user names.
        case members(Set<String>)

        /// Whether `userName` belongs to the selection.
        public func contains(_ userName: String) -> Bool {
            switch self {
            case .all: return true
            case .members(let names): return names.contains(userName)
            }
        }
    }

    /// Every IAM user the run knows about (all users, or the members of the authorized groups).
    public var users: [User]
    /// Who may log in: all users, or the union of the members of IAM_AUTHORIZED_GROUPS.
    public var authorized: Selection
    /// Who gets sudo: all authorized users (`##ALL##`), or the members of SUDOERS_GROUPS.
    public var sudo: Selection
    /// The members (IAM user names) of each IAM group named in LOCAL_GROUP_MAP.
    public var groupMembers: [String: Set<String>]
    /// Whether every IAM read of this run succeeded and was followed to its last page.
    public var complete: Bool
    /// A short description of each read that failed or was partial, for example `GetGroup admins: Throttling`.
    public var failedReads: [String]
    /// What the failed reads leave unknown; `nil` when the reader does not say, which an incomplete view then
    /// takes as `ReadUncertainty.total`.
    public var uncertainty: ReadUncertainty?

    /// Creates a view.
    public init(
        users: [User], authorized: Selection = .all, sudo: Selection = .members([]),
        groupMembers: [String: Set<String>] = [:], complete: Bool = true, failedReads: [String] = [],
        uncertainty: ReadUncertainty? = nil
    ) {
        self.users = users
        self.authorized = authorized
        self.sudo = sudo
        self.groupMembers = groupMembers
        self.complete = complete
        self.failedReads = failedReads
        self.uncertainty = uncertainty
    }

    /// Whether the view can be trusted for deletions and sudo changes: complete and without any failed read.
    public var isComplete: Bool { complete && failedReads.isEmpty }

    /// The local names the authorized users map to, for those whose name maps to a safe one: every name a plan of
    /// this view may create an account under (and a few more, such as colliding or expired users'), which the
    /// caller looks up in the name service before planning (`LocalSnapshot.unavailableNames`).
    public var authorizedLocalNames: [String] {
        users.compactMap { user in
            guard authorized.contains(user.userName) else { return nil }
            return try? NameMapping.mapping(forIAMName: user.userName).get()
        }
    }

    /// What the planner must treat as unknown: `uncertainty`, or everything when an incomplete view does not say
    /// (or says nothing is unknown, which cannot be right for an incomplete read).
    public var effectiveUncertainty: ReadUncertainty {
        guard !isComplete else { return uncertainty ?? .none }
        guard let uncertainty, !uncertainty.isNone else { return .total }
        return uncertainty
    }
}
