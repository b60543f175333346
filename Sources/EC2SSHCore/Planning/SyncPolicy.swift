/// The plain settings that steer planning, mapped from the configuration by the caller.
public struct SyncPolicy: Sendable, Equatable, Codable {
    /// One LOCAL_GROUP_MAP pair: members of `iamGroup` become members of the local group `localGroup`.
    public struct GroupMapping: Sendable, Equatable, Codable {
        /// The IAM group name.
        public var iamGroup: String
        /// The local UNIX group name.
        public var localGroup: String

        /// Creates a mapping.
        public init(iamGroup: String, localGroup: String) {
            self.iamGroup = iamGroup
            self.localGroup = localGroup
        }
    }

    /// The default LOCAL_MARKER_GROUP.
    public static let defaultMarkerGroup = "iam-synced-users"
    /// The default SUDOERS_RULE.
    public static let defaultSudoersRule = "ALL=(ALL) NOPASSWD:ALL"

    /// The group every managed account is put in at creation (LOCAL_MARKER_GROUP).
    public var markerGroup: String
    /// Local groups every managed account joins (LOCAL_GROUPS).
    public var localGroups: [String]
    /// IAM group to local group pairs (LOCAL_GROUP_MAP).
    public var groupMap: [GroupMapping]
    /// The sudoers rule after the user name (SUDOERS_RULE).
    public var sudoersRule: String
    /// The prefix of the sudoers.d files this tool owns; letters, digits, `-` and `_` only.
    public var sudoersFilePrefix: String
    /// How many consecutive complete runs an account must be missing from IAM before it is deleted (at least 1).
    public var deleteAfterMissingRuns: Int
    /// The largest share (percent) of managed accounts one run may delete unless `force` is set.
    public var maxDeletePercent: Int
    /// Deletions up to this count are allowed even above `maxDeletePercent`, so a host with one user can lose it.
    public var deletionsAlwaysAllowed: Int
    /// Whether the deletion cap is overridden (`--force`).
    public var force: Bool
    /// The IAM user tag holding an ISO-8601 access expiry, or `nil` when temporary access is off.
    public var expiryTagName: String?
    /// The range new accounts get UIDs derived from their IAM UserId from (UID_SOURCE=iam-user-id, UID_RANGE);
    /// `nil` lets useradd choose.
    public var deterministicUIDRange: ClosedRange<UInt32>?
    /// Whether accounts created by the previous (bash) aws-ec2-ssh are adopted once, for migration; off by default.
    ///
    /// Adopted: an account without a state entry that is in the marker group, has a UID of at least
    /// `adoptionMinimumUID` and the name of an authorized IAM user, on a complete IAM read. Everything else that
    /// exists is a conflict and never touched.
    public var adoptLegacyAccounts: Bool
    /// The lowest UID an adopted account may have (UID_MIN of /etc/login.defs).
    public var adoptionMinimumUID: UInt32

    /// Creates a policy; every value has the documented default.
    public init(
        markerGroup: String = SyncPolicy.defaultMarkerGroup, localGroups: [String] = [],
        groupMap: [GroupMapping] = [], sudoersRule: String = SyncPolicy.defaultSudoersRule,
        sudoersFilePrefix: String = SudoersFile.defaultPrefix, deleteAfterMissingRuns: Int = 1,
        maxDeletePercent: Int = 50, deletionsAlwaysAllowed: Int = 1, force: Bool = false,
        expiryTagName: String? = nil, deterministicUIDRange: ClosedRange<UInt32>? = nil,
        adoptLegacyAccounts: Bool = false, adoptionMinimumUID: UInt32 = 1000
    ) {
        self.markerGroup = markerGroup
        self.localGroups = localGroups
        self.groupMap = groupMap
        self.sudoersRule = sudoersRule
        self.sudoersFilePrefix = sudoersFilePrefix
        self.deleteAfterMissingRuns = deleteAfterMissingRuns
        self.maxDeletePercent = maxDeletePercent
        self.deletionsAlwaysAllowed = deletionsAlwaysAllowed
        self.force = force
        self.expiryTagName = expiryTagName
        self.deterministicUIDRange = deterministicUIDRange
        self.adoptLegacyAccounts = adoptLegacyAccounts
        self.adoptionMinimumUID = adoptionMinimumUID
    }
}
