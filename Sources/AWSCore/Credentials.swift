#if canImport(FoundationEssentials)
    import FoundationEssentials
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
}

/// A source of credentials (environment, shared files, instance role, assumed role, or a chain of these).
public protocol CredentialsProvider: Sendable {
    /// A short name for logs and for the "tried" list of `AWSError.noCredentials`, for example `environment`.
    var name: String { get }
    /// Current credentials, refreshed as needed.
    ///
    /// Returns `nil` when this source has none (so a chain moves on), throws when the source exists but fails.
    func credentials() throws -> Credentials?
}
