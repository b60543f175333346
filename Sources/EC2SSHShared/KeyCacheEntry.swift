import EC2SSHCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// The last keys IAM gave for one local user, as stored in KEY_CACHE_DIR (one JSON file per user).
public struct KeyCacheEntry: Sendable, Equatable, Codable {
    /// The schema version this code writes and reads.
    public static let currentVersion = 1

    /// One validated key line and its IAM key id.
    public struct Key: Sendable, Equatable, Codable {
        /// The IAM SSHPublicKeyId.
        public var id: String
        /// The normalized authorized_keys line (`ValidatedKey.line`).
        public var line: String

        /// Creates a key.
        public init(id: String, line: String) {
            self.id = id
            self.line = line
        }
    }

    /// The schema version.
    public var version: Int
    /// The local user name.
    public var localUserName: String
    /// The IAM user the keys belong to.
    public var iamUserName: String
    /// The IAM UserId of that user (from the managed users index); `nil` in entries written without it, which
    /// are never served.
    public var iamUserID: String?
    /// When IAM gave these keys.
    public var fetchedAt: Date
    /// The keys, in IAM's order.
    public var keys: [Key]

    /// Creates an entry.
    public init(
        localUserName: String, iamUserName: String, iamUserID: String?, fetchedAt: Date, keys: [Key],
        version: Int = KeyCacheEntry.currentVersion
    ) {
        self.version = version
        self.localUserName = localUserName
        self.iamUserName = iamUserName
        self.iamUserID = iamUserID
        self.fetchedAt = fetchedAt
        self.keys = keys
    }

    /// The JSON bytes (dates as seconds since 1970, sorted keys, a trailing newline).
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        var bytes = Array(try encoder.encode(self))
        bytes.append(0x0a)
        return bytes
    }

    /// Decodes an entry; a corrupt file or a newer schema is an error naming `path`.
    public static func decoded(from bytes: [UInt8], path: String) throws -> KeyCacheEntry {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let entry: KeyCacheEntry
        do {
            entry = try decoder.decode(KeyCacheEntry.self, from: Data(bytes))
        } catch {
            throw KeyCacheError(
                path: path,
                message:
                    "the cache entry is corrupt (\(DecodingProblem.describe(error))); it is replaced on the next IAM answer"
            )
        }
        guard entry.version <= currentVersion else {
            throw KeyCacheError(
                path: path, message: "the cache entry has schema version \(entry.version), newer than \(currentVersion)"
            )
        }
        return entry
    }
}
