import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Calls STS AssumeRole; the STS client implements it with the base credentials chain.
public protocol RoleAssuming: Sendable {
    /// The temporary credentials of `roleARN` for a session named `sessionName`.
    func assumeRole(roleARN: String, sessionName: String) throws -> Credentials
}

/// Keeps assumed-role credentials between processes, so that each sshd key lookup need not call STS.
public protocol CredentialsStore: Sendable {
    /// The stored credentials, or `nil` when there are none or they cannot be read.
    func load() -> Credentials?
    /// Stores `credentials`, replacing what was there; failures are not fatal.
    func save(_ credentials: Credentials)
}

/// Credentials of the role named by ASSUMEROLE, obtained with STS AssumeRole and cached.
///
/// The temporary credentials are used until five minutes before they expire, from memory or from `store`
/// (stored credentials that are expired or about to expire are ignored). When STS fails while the cached
/// credentials are still valid, those keep being used; otherwise the error is thrown.
public final class AssumeRoleCredentialsProvider: CredentialsProvider {
    /// The ARN of the role to assume, for example `arn:aws:iam::123456789012:role/ssh-users`.
    public let roleARN: String
    /// The RoleSessionName sent to STS.
    public let sessionName: String
    private let assumer: any RoleAssuming
    private let time: any TimeSource
    private let store: (any CredentialsStore)?
    private let cached = Mutex<Credentials?>(nil)

    /// Credentials with fewer seconds than this left are replaced.
    public static let refreshMargin = 300.0

    /// Creates the provider.
    public init(
        roleARN: String, sessionName: String, assumer: any RoleAssuming, time: any TimeSource,
        store: (any CredentialsStore)? = nil
    ) {
        self.roleARN = roleARN
        self.sessionName = sessionName
        self.assumer = assumer
        self.time = time
        self.store = store
    }

    /// The name in logs and in the "tried" list, for example `assume role arn:aws:iam::1:role/x`.
    public var name: String { "assume role \(roleARN)" }

    /// The assumed role's credentials; never `nil`.
    public func credentials() throws -> Credentials? {
        if case .found(let credentials) = try lookupCredentials() { return credentials }
        return nil
    }

    /// The assumed role's credentials, from memory, the store, or STS.
    ///
    /// Throws `AWSError.configuration` for a value that is not a role ARN, and whatever STS throws.
    public func lookupCredentials() throws -> CredentialsLookup {
        try Self.validate(roleARN: roleARN)
        let now = time.now()
        let current = cached.withLock { $0 }
        if let current, Self.isUsable(current, at: now) { return .found(current) }
        if let stored = store?.load(), Self.isUsable(stored, at: now) {
            cached.withLock { $0 = stored }
            return .found(stored)
        }
        let fresh: Credentials
        do {
            fresh = try assumer.assumeRole(roleARN: roleARN, sessionName: sessionName)
        } catch {
            if let current, current.expiration.map({ $0 > time.now() }) ?? false { return .found(current) }
            throw error
        }
        cached.withLock { $0 = fresh }
        if fresh.expiration != nil { store?.save(fresh) }
        return .found(fresh)
    }

    /// Whether temporary credentials have more than `refreshMargin` left (long-term ones never qualify).
    private static func isUsable(_ credentials: Credentials, at now: Date) -> Bool {
        credentials.expiration != nil && credentials.isFresh(at: now, margin: refreshMargin)
    }

    /// Throws unless `roleARN` looks like `arn:PARTITION:iam::ACCOUNT:role/NAME`.
    static func validate(roleARN: String) throws {
        let parts = roleARN.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, parts[2] == "iam", !parts[4].isEmpty,
            parts[5].hasPrefix("role/"), parts[5].count > 5
        else {
            throw AWSError.configuration(
                detail: "ASSUMEROLE must be an IAM role ARN such as arn:aws:iam::123456789012:role/NAME, "
                    + "got '\(roleARN)'")
        }
    }

    /// A valid RoleSessionName (`[\w+=,.@-]`, 2 to 64 characters) for `host`, for example `aws-ec2-ssh-i-0123abcd`.
    ///
    /// `host` is the instance id or the host name; characters STS does not accept become `-`.
    public static func sessionName(for host: String) -> String {
        let prefix = "aws-ec2-ssh"
        let cleaned = String(
            host.unicodeScalars.map { scalar -> Character in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "_", "+", "=", ",", ".", "@", "-": return Character(scalar)
                default: return "-"
                }
            })
        guard !cleaned.isEmpty else { return prefix }
        return String((prefix + "-" + cleaned).prefix(64))
    }
}
