#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Writes each managed user's active, validated SSH keys into the key command's cache (KEY_CACHE_TTL above 0).
///
/// import_users calls it after a complete run whose actions all succeeded; the implementation owns the cache
/// format (KEY_CACHE_DIR, files owned by the key command's user).
public protocol ImportKeySnapshotting: Sendable {
    /// Refreshes the cache entries of `users` (IAM user name by local name) and drops entries of other users.
    ///
    /// Returns one line per problem (a user whose keys could not be refreshed, an unsafe directory), for the log;
    /// an empty list means success, anything else makes the run exit 4.
    func refresh(users: [String: String], now: Date) -> [String]
}
