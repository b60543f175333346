#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The local accounts IAM asks for, and the IAM users that cannot or may not get one.
public struct DesiredState: Sendable, Equatable, Codable {
    /// One local account that should exist.
    public struct Account: Sendable, Equatable, Codable {
        /// The local user name (mapped from the IAM name).
        public var localName: String
        /// The IAM user name.
        public var iamUserName: String
        /// The IAM UserId, which tells a re-created IAM user of the same name apart.
        public var iamUserID: String
        /// Whether the account gets a sudoers file.
        public var sudo: Bool
        /// Supplementary local groups from LOCAL_GROUPS and LOCAL_GROUP_MAP, sorted; the marker group is not listed.
        public var groups: [String]

        /// Creates an account.
        public init(localName: String, iamUserName: String, iamUserID: String, sudo: Bool, groups: [String]) {
            self.localName = localName
            self.iamUserName = iamUserName
            self.iamUserID = iamUserID
            self.sudo = sudo
            self.groups = groups
        }
    }

    /// An IAM user that gets no local account in this run, with the reason.
    public struct Skipped: Sendable, Equatable, Codable {
        /// Why an IAM user is skipped.
        public enum Reason: String, Sendable, Equatable, Codable {
            /// The name holds characters that no local name may hold.
            case invalidName
            /// The mapped name is longer than 32 characters.
            case tooLong
            /// The mapped name is a path, an option or a number (`.`, `..`, `-rf`, `1000`...): never given to useradd.
            case unsafeName
            /// The mapped name maps back to a different IAM name (`x.at.y` -> `x@y`), so its keys could never be served.
            case notReversible
            /// Two or more IAM users map to the same local name; none of them is imported.
            case collision
            /// The expiry tag lies in the past.
            case expired
            /// The expiry tag cannot be read, so access is refused (fail closed).
            case unparseableExpiry
        }

        /// The IAM user name.
        public var iamUserName: String
        /// The local name it maps to, when it maps to a valid one.
        public var localName: String?
        /// Why it is skipped.
        public var reason: Reason
        /// A one-line explanation for the log.
        public var message: String

        /// Creates an entry.
        public init(iamUserName: String, localName: String?, reason: Reason, message: String) {
            self.iamUserName = iamUserName
            self.localName = localName
            self.reason = reason
            self.message = message
        }
    }

    /// The accounts that should exist, sorted by local name.
    public var accounts: [Account]
    /// The IAM users left out, sorted by IAM name.
    public var skipped: [Skipped]
    /// What the IAM read left unknown; `nil` when not known, which the planner then derives from whether the read
    /// was complete (an incomplete read without it is `ReadUncertainty.total`).
    public var uncertainty: ReadUncertainty?

    /// Creates a desired state.
    public init(accounts: [Account], skipped: [Skipped] = [], uncertainty: ReadUncertainty? = nil) {
        self.accounts = accounts
        self.skipped = skipped
        self.uncertainty = uncertainty
    }

    /// The local names that two or more IAM users map to; managed accounts with these names are held as they are.
    public var collidingLocalNames: Set<String> {
        Set(skipped.compactMap { $0.reason == .collision ? $0.localName : nil })
    }

    /// The IAM users left out because their access expired or its expiry cannot be read.
    public var expired: [Skipped] {
        skipped.filter { $0.reason == .expired || $0.reason == .unparseableExpiry }
    }
}
