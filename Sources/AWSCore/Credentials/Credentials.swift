#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// AWS credentials: an access key pair, an optional session token and, for temporary ones, an expiry.
public struct Credentials: Sendable, Equatable {
    /// The access key id (`AKIA…` or `ASIA…`).
    public var accessKeyID: String
    /// The secret access key; never logged.
    public var secretAccessKey: String
    /// The session token of temporary credentials.
    public var sessionToken: String?
    /// When temporary credentials stop working; `nil` for long-term keys.
    public var expiration: Date?

    /// Creates credentials.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// Whether these credentials still have more than `margin` seconds left at `now`.
    ///
    /// Credentials without an expiry (long-term keys) are always fresh.
    public func isFresh(at now: Date, margin: Double) -> Bool {
        guard let expiration else { return true }
        return expiration.timeIntervalSince(now) > margin
    }
}

/// The outcome of asking one credentials source: credentials, or why it has none.
public enum CredentialsLookup: Sendable, Equatable {
    /// The source had credentials.
    case found(Credentials)
    /// The source has nothing; `reason` says why, for example `AWS_ACCESS_KEY_ID not set`.
    case unavailable(reason: String)
}

/// A source of credentials (environment, shared files, instance role, assumed role, or a chain of these).
public protocol CredentialsProvider: Sendable {
    /// A short name for logs and for the "tried" list of `AWSError.noCredentials`, for example `environment`.
    var name: String { get }
    /// Current credentials, refreshed as needed.
    ///
    /// Returns `nil` when this source has none (so a chain moves on), throws when the source exists but fails.
    func credentials() throws -> Credentials?
    /// Current credentials, or the reason this source has none (for the "tried" list of a chain).
    ///
    /// Throws when the source exists but fails. The default calls `credentials()`.
    func lookupCredentials() throws -> CredentialsLookup
}

extension CredentialsProvider {
    /// Calls `credentials()` and reports a generic reason when it returns `nil`.
    public func lookupCredentials() throws -> CredentialsLookup {
        if let credentials = try credentials() { return .found(credentials) }
        return .unavailable(reason: "no credentials")
    }
}
