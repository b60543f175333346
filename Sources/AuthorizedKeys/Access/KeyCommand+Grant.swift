#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

extension KeyCommand {
    /// A local account authorized_keys_command may serve keys for, with the IAM user behind it.
    public struct Grant: Sendable, Equatable {
        /// The local user name sshd asked about.
        public var localName: String
        /// The account's UID.
        public var uid: UInt32
        /// The IAM user the account belongs to.
        public var iamUserName: String
        /// The IAM UserId recorded by import_users.
        public var iamUserID: String
        /// The IAM user's ARN, when import_users recorded it.
        public var iamUserARN: String?
        /// When temporary access ends, if it does.
        public var accessExpiresAt: Date?

        /// Creates a grant.
        public init(
            localName: String, uid: UInt32, iamUserName: String, iamUserID: String, iamUserARN: String? = nil,
            accessExpiresAt: Date? = nil
        ) {
            self.localName = localName
            self.uid = uid
            self.iamUserName = iamUserName
            self.iamUserID = iamUserID
            self.iamUserARN = iamUserARN
            self.accessExpiresAt = accessExpiresAt
        }
    }
}
