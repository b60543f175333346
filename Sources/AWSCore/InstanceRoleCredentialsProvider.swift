import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The temporary credentials of the EC2 instance's IAM role, read over IMDSv2 and cached.
///
/// Cached credentials are used until less than five minutes remain; then they are fetched again. When that
/// refresh fails while the cached ones have not yet expired, the cached ones keep being used. An unreachable
/// IMDS or an instance without a role means "no credentials here"; any other failure is thrown.
public final class InstanceRoleCredentialsProvider: CredentialsProvider {
    /// The metadata client.
    public let imds: IMDSClient
    private let time: any TimeSource
    private let cached = Mutex<Credentials?>(nil)

    /// Credentials with fewer seconds than this left are refreshed.
    public static let refreshMargin = 300.0

    /// Creates the provider.
    public init(imds: IMDSClient, time: any TimeSource) {
        self.imds = imds
        self.time = time
    }

    /// The name in logs and in the "tried" list, for example `instance role (IMDS http://169.254.169.254)`.
    public var name: String { "instance role (IMDS \(imds.endpoint))" }

    /// The role's credentials, or `nil` when IMDS is unreachable or no role is attached.
    public func credentials() throws -> Credentials? {
        if case .found(let credentials) = try lookupCredentials() { return credentials }
        return nil
    }

    /// The role's credentials, or why there are none.
    public func lookupCredentials() throws -> CredentialsLookup {
        let current = cached.withLock { $0 }
        if let current, current.isFresh(at: time.now(), margin: Self.refreshMargin) { return .found(current) }
        let stillValid = current.flatMap { $0.isFresh(at: time.now(), margin: 0) ? $0 : nil }
        do {
            guard let role = try imds.roleName() else {
                if let stillValid { return .found(stillValid) }
                return .unavailable(reason: "no IAM role attached to this instance")
            }
            let fresh = try imds.roleCredentials(role: role)
            if fresh.expiration != nil {
                cached.withLock { $0 = fresh }
            }
            return .found(fresh)
        } catch {
            if let stillValid { return .found(stillValid) }
            switch error as? AWSError {
            case .transport, .timeout:
                return .unavailable(reason: "metadata service unreachable: \(error)")
            default:
                throw error
            }
        }
    }
}
