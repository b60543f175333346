#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The publisher's cache of SSH key bodies by IAM key id (STATE_DIR/publisher/key-bodies.json).
///
/// IAM never changes a key's body under its id, so a body read once with `GetSSHPublicKey` is reused by every later
/// publish: a steady publish makes one `ListSSHPublicKeys` per user and a `GetSSHPublicKey` only for ids it has not
/// seen. An entry is used only for the user it was read for; the cache keeps only the ids of the last complete read.
public struct KeyBodyCache: Sendable, Equatable {
    /// One cached key body.
    public struct Entry: Sendable, Equatable, Codable {
        /// The IAM user the key belongs to.
        public var user: String
        /// The key in OpenSSH encoding, as `GetSSHPublicKey` returned it.
        public var body: String
        /// The MD5 fingerprint IAM reported.
        public var fingerprint: String

        /// An entry from its parts.
        public init(user: String, body: String, fingerprint: String) {
            self.user = user
            self.body = body
            self.fingerprint = fingerprint
        }
    }

    /// The version of the file format.
    public static let formatVersion = 1

    /// The cached bodies by IAM SSH key id.
    public var entries: [String: Entry]

    /// A cache holding `entries`.
    public init(entries: [String: Entry] = [:]) {
        self.entries = entries
    }

    /// The cached entry of key `id` of `user`, or `nil` when the id is unknown or was read for another user.
    public func entry(id: String, user: String) -> Entry? {
        guard let entry = entries[id], entry.user == user else { return nil }
        return entry
    }

    /// The file's bytes: sorted keys, so equal caches give equal files.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(File(format: Self.formatVersion, keys: entries))) + [0x0a]
    }

    /// The cache in `bytes`; throws on anything but a version-1 file.
    public static func decode(_ bytes: [UInt8]) throws -> KeyBodyCache {
        let file = try JSONDecoder().decode(File.self, from: Data(bytes))
        guard file.format == formatVersion else {
            throw PublishError.unusableState(
                path: "key-bodies.json", detail: "format \(file.format) is not \(formatVersion)")
        }
        return KeyBodyCache(entries: file.keys)
    }

    /// The JSON document on disk.
    private struct File: Codable {
        var format: Int
        var keys: [String: Entry]
    }
}
