import AWSCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Keeps ASSUMEROLE credentials in the key cache directory between key command runs, readable only by the
/// key command's user (mode 0600 in a 0700 directory), so that a login does not call STS every time.
///
/// One file per role ARN. Unreadable, foreign or corrupt files count as "nothing stored"; write failures are
/// reported to `onError` and never fail a login.
public struct FileCredentialsStore: CredentialsStore {
    /// The role whose credentials are kept.
    public let roleARN: String
    /// The private directory the file lives in.
    public let cache: KeyCache
    private let onError: @Sendable (String) -> Void

    /// Creates the store for `roleARN` in the directory of `cache`.
    public init(roleARN: String, cache: KeyCache, onError: @escaping @Sendable (String) -> Void = { _ in }) {
        self.roleARN = roleARN
        self.cache = cache
        self.onError = onError
    }

    /// The file name for `roleARN`: `assume-role-` and the first 32 hex digits of its SHA-256.
    public static func fileName(roleARN: String) -> String {
        "assume-role-" + String(Digest.hex(Digest.sha256(Array(roleARN.utf8))).prefix(32)) + ".json"
    }

    /// The path of the file.
    public var path: String { cache.path(forFile: Self.fileName(roleARN: roleARN)) }

    /// The stored credentials of `roleARN`, or `nil`.
    public func load() -> Credentials? {
        do {
            guard let bytes = try cache.readPrivateFile(path) else { return nil }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            let stored = try decoder.decode(Stored.self, from: Data(bytes))
            guard stored.roleARN == roleARN else { return nil }
            return Credentials(
                accessKeyID: stored.accessKeyID, secretAccessKey: stored.secretAccessKey,
                sessionToken: stored.sessionToken, expiration: stored.expiration)
        } catch {
            onError("assumed-role credentials in \(path) ignored: \(Self.summary(error))")
            return nil
        }
    }

    /// Stores `credentials` atomically with mode 0600.
    public func save(_ credentials: Credentials) {
        let stored = Stored(
            roleARN: roleARN, accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey,
            sessionToken: credentials.sessionToken, expiration: credentials.expiration)
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .secondsSince1970
            try cache.writePrivateFile(path, contents: Array(try encoder.encode(stored)))
        } catch {
            onError("could not store assumed-role credentials in \(path): \(Self.summary(error))")
        }
    }

    /// A description of `error` that never quotes file contents (JSON errors can quote the secret).
    private static func summary(_ error: any Error) -> String {
        if error is DecodingError { return "the file is not valid credentials JSON" }
        return "\(error)"
    }

    private struct Stored: Codable {
        var roleARN: String
        var accessKeyID: String
        var secretAccessKey: String
        var sessionToken: String?
        var expiration: Date?
    }
}
