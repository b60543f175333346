#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// Writes each managed user's active, validated SSH keys into the key command's cache (KEY_CACHE_TTL above 0).
///
/// import_users calls it after a complete run whose actions all succeeded; the implementation owns the cache
/// format (KEY_CACHE_DIR, files owned by the key command's user).
public protocol KeySnapshotting: Sendable {
    /// Refreshes the cache entries of `users` (IAM identity by local name) and drops entries of other users.
    ///
    /// Returns one line per problem (a user whose keys could not be refreshed, an unsafe directory), for the log;
    /// an empty list means success, anything else makes the run exit 4.
    func refresh(users: [String: ManagedKeyUser], now: Date) -> [String]

    /// Deletes the cache entries of `localNames` (accounts import_users just deleted), whatever the cache mode.
    ///
    /// Returns one line per problem, for the log; a missing entry is not a problem.
    func forget(localNames: [String]) -> [String]
}

/// The IAM identity a managed account's cached keys belong to.
public struct ManagedKeyUser: Sendable, Equatable, Hashable {
    /// The IAM user name.
    public var iamUserName: String
    /// The IAM UserId, which a re-created IAM user of the same name does not share.
    public var iamUserID: String

    /// Creates the identity.
    public init(iamUserName: String, iamUserID: String) {
        self.iamUserName = iamUserName
        self.iamUserID = iamUserID
    }
}
