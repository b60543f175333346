/// What the failed reads of an incomplete IAM read leave unknown, so that the planner holds back exactly the
/// revocations those reads could affect and nothing else.
///
/// Positive answers of the reads that succeeded always count: a user a successful read lists is authorized, a
/// member of a sudoers group that was read gets sudo. What is uncertain is a user's *absence*: whether a user
/// not listed would have been listed by the read that failed.
public struct ReadUncertainty: Sendable, Equatable, Codable {
    /// IAM users whose absence from the successful reads proves nothing (`.all`: every IAM user).
    ///
    /// Their accounts are neither locked nor deleted, their sudo is kept and their missing-run counters stay.
    /// An IAM user the reads list is authorized all the same.
    public var authorization: IAMView.Selection
    /// IAM users who may be in a sudoers group although no successful read lists them (`.all`: anyone not
    /// listed); their sudo is neither granted nor revoked.
    public var sudo: IAMView.Selection
    /// IAM groups of LOCAL_GROUP_MAP whose members are unknown (`.all`: every mapped group); the local groups
    /// they map to are neither added nor removed, unless another mapping that was read decides.
    public var groups: IAMView.Selection

    /// Creates an uncertainty.
    public init(
        authorization: IAMView.Selection = .members([]), sudo: IAMView.Selection = .members([]),
        groups: IAMView.Selection = .members([])
    ) {
        self.authorization = authorization
        self.sudo = sudo
        self.groups = groups
    }

    /// Nothing is uncertain: every read succeeded.
    public static let none = ReadUncertainty()
    /// Everything is uncertain: what an incomplete read that does not say which read failed implies.
    public static let total = ReadUncertainty(authorization: .all, sudo: .all, groups: .all)

    /// Whether nothing is uncertain.
    public var isNone: Bool { self == .none }

    /// What the planner holds back, in one clause for the incomplete-read notice.
    public var heldChanges: String {
        var parts: [String] = []
        switch authorization {
        case .all:
            parts.append("no managed account missing from the read is locked or deleted (missing-run counters kept)")
        case .members(let names) where !names.isEmpty:
            parts.append("the accounts of IAM users \(Self.list(names)) are not locked or deleted")
        case .members: break
        }
        switch sudo {
        case .all:
            parts.append("no authorized user loses sudo (members of the sudoers groups that were read get it)")
        case .members(let names) where !names.isEmpty:
            parts.append("sudo of IAM users \(Self.list(names)) is left as it is")
        case .members: break
        }
        switch groups {
        case .all:
            parts.append("no membership of a LOCAL_GROUP_MAP group is removed")
        case .members(let names) where !names.isEmpty:
            parts.append("memberships granted through IAM groups \(Self.list(names)) are not removed")
        case .members: break
        }
        guard !parts.isEmpty else { return "nothing that depends on the failed reads is changed" }
        return parts.joined(separator: "; ") + "; all other changes, new accounts included, are applied"
    }

    private static func list(_ names: Set<String>) -> String {
        names.sorted().joined(separator: ", ")
    }
}
