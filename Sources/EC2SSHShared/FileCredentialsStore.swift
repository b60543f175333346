public import AWSCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Keeps temporary credentials in the key cache directory between key command runs, readable only by the key
/// command's user (mode 0600 in a 0700 directory), so that a login calls neither STS nor IMDS every time: the
/// ASSUMEROLE role's credentials (one file per role ARN) and the instance role's (one file per IMDS endpoint).
///
/// Each file records the identity it belongs to (the role ARN, or `instance-role IMDS-ENDPOINT`); a file of another
/// identity, an unreadable, foreign or corrupt file counts as "nothing stored"; write failures are reported to
/// `onError` and never fail a login.
public struct FileCredentialsStore: CredentialsStore {
    /// Whose credentials are kept: the role ARN, or `instance-role` and the IMDS endpoint.
    public let identity: String
    /// The file name inside the cache directory.
    public let fileName: String
    /// The private directory the file lives in.
    public let cache: KeyCache
    private let onError: @Sendable (String) -> Void

    /// Creates the store of the ASSUMEROLE role `roleARN` in the directory of `cache`.
    public init(roleARN: String, cache: KeyCache, onError: @escaping @Sendable (String) -> Void = { _ in }) {
        self.init(identity: roleARN, fileName: Self.fileName(roleARN: roleARN), cache: cache, onError: onError)
    }

    private init(identity: String, fileName: String, cache: KeyCache, onError: @escaping @Sendable (String) -> Void) {
        self.identity = identity
        self.fileName = fileName
        self.cache = cache
        self.onError = onError
    }

    /// The store of the instance role's credentials read from the metadata service at `imdsEndpoint`.
    public static func instanceRole(
        imdsEndpoint: String, cache: KeyCache, onError: @escaping @Sendable (String) -> Void = { _ in }
    ) -> FileCredentialsStore {
        let identity = "instance-role " + imdsEndpoint
        return FileCredentialsStore(
            identity: identity, fileName: "instance-role-" + hashPrefix(identity) + ".json", cache: cache,
            onError: onError)
    }

    /// The file name for `roleARN`: `assume-role-` and the first 32 hex digits of its SHA-256.
    public static func fileName(roleARN: String) -> String {
        "assume-role-" + hashPrefix(roleARN) + ".json"
    }

    /// The first 32 hex digits of the SHA-256 of `text`.
    private static func hashPrefix(_ text: String) -> String {
        String(Digest.hex(Digest.sha256(Array(text.utf8))).prefix(32))
    }

    /// The path of the file.
    public var path: String { cache.path(forFile: fileName) }

    /// The stored credentials of `identity`, or `nil`.
    public func load() -> Credentials? {
        do {
            guard let bytes = try cache.readPrivateFile(path) else { return nil }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            let stored = try decoder.decode(Stored.self, from: Data(bytes))
            guard stored.roleARN == identity else { return nil }
            return Credentials(
                accessKeyID: stored.accessKeyID, secretAccessKey: stored.secretAccessKey,
                sessionToken: stored.sessionToken, expiration: stored.expiration)
        } catch {
            onError("stored credentials in \(path) ignored: \(Self.summary(error))")
            return nil
        }
    }

    /// Stores `credentials` atomically with mode 0600.
    public func save(_ credentials: Credentials) {
        let stored = Stored(
            roleARN: identity, accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey,
            sessionToken: credentials.sessionToken, expiration: credentials.expiration)
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .secondsSince1970
            try cache.writePrivateFile(path, contents: Array(try encoder.encode(stored)))
        } catch {
            onError("could not store credentials in \(path): \(Self.summary(error))")
        }
    }

    /// A description of `error` that never quotes file contents (JSON errors can quote the secret).
    private static func summary(_ error: any Error) -> String {
        if error is DecodingError { return "the file is not valid credentials JSON" }
        return "\(error)"
    }

    private struct Stored: Codable {
        /// The identity (named `roleARN` since the first version of the file).
        var roleARN: String
        var accessKeyID: String
        var secretAccessKey: String
        var sessionToken: String?
        var expiration: Date?
    }
}
