import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The temporary credentials of the EC2 instance's IAM role, read over IMDSv2 and cached.
///
/// Cached credentials (in memory, and in `store` across processes when one is given) are used until less than five
/// minutes remain; then they are fetched again. When that refresh fails while cached ones have not yet expired, the
/// cached ones keep being used. A refused connection (no metadata service here) or an instance without a role means
/// "no credentials here". A metadata service that does not answer in time is thrown as `AWSError.timeout`: like
/// any unreachable AWS endpoint it is a transient failure (the key command's stale-cache rules apply), never the
/// final "no credentials". Any other failure is thrown as it is.
public final class InstanceRoleCredentialsProvider: CredentialsProvider {
    /// The metadata client.
    public let imds: IMDSClient
    private let time: any TimeSource
    private let store: (any CredentialsStore)?
    private let cached = Mutex<Credentials?>(nil)

    /// Credentials with fewer seconds than this left are refreshed.
    public static let refreshMargin = 300.0

    /// Creates the provider; `store` keeps the credentials between processes (the key command's cache directory).
    public init(imds: IMDSClient, time: any TimeSource, store: (any CredentialsStore)? = nil) {
        self.imds = imds
        self.time = time
        self.store = store
    }

    /// The name in logs and in the "tried" list, for example `instance role (IMDS http://169.254.169.254)`.
    public var name: String { "instance role (IMDS \(imds.endpoint))" }

    /// The role's credentials, or `nil` when there is no metadata service or no role is attached.
    public func credentials() throws -> Credentials? {
        if case .found(let credentials) = try lookupCredentials() { return credentials }
        return nil
    }

    /// The role's credentials, from memory, the store or IMDS, or why there are none.
    public func lookupCredentials() throws -> CredentialsLookup {
        let now = time.now()
        let current = cached.withLock { $0 }
        if let current, current.isFresh(at: now, margin: Self.refreshMargin) { return .found(current) }
        let stored = current == nil ? store?.load().flatMap { $0.expiration == nil ? nil : $0 } : nil
        if let stored, stored.isFresh(at: now, margin: Self.refreshMargin) {
            cached.withLock { $0 = stored }
            return .found(stored)
        }
        let stillValid = [current, stored].compactMap { $0 }.first { $0.isFresh(at: now, margin: 0) }
        do {
            guard let role = try imds.roleName() else {
                if let stillValid { return .found(stillValid) }
                return .unavailable(reason: "no IAM role attached to this instance")
            }
            let fresh = try imds.roleCredentials(role: role)
            if fresh.expiration != nil {
                cached.withLock { $0 = fresh }
                store?.save(fresh)
            }
            return .found(fresh)
        } catch {
            if let stillValid { return .found(stillValid) }
            switch error as? AWSError {
            case .transport:
                return .unavailable(reason: "metadata service unreachable: \(error)")
            case .timeout(let detail):
                throw AWSError.timeout(
                    detail: "the instance metadata service \(imds.endpoint) did not answer while the instance role's "
                        + "credentials were looked up: \(detail)")
            default:
                throw error
            }
        }
    }
}
