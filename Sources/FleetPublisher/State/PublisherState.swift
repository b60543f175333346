#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the publisher remembers of its last successful publish (STATE_DIR/publisher/state.json).
///
/// Written only after the PutObject succeeded, so a failed put never advances the serial.
public struct PublisherState: Sendable, Equatable, Codable {
    /// The version of the file format.
    public static let formatVersion = 1

    /// Always `formatVersion`.
    public var format: Int
    /// The bucket the object was put in.
    public var bucket: String
    /// The object key.
    public var key: String
    /// The serial of the last published snapshot.
    public var serial: UInt64
    /// The generation (and signing) time of the last published snapshot, seconds since 1970.
    public var generated: Int64
    /// The SHA-256 (hex) of its users and groups, ignoring serial and generation time (`PublishedContent.digest`).
    public var contentSHA256: String
    /// The SHA-256 (hex) of the snapshot bytes, as in the manifest.
    public var snapshotSHA256: String
    /// The ETag S3 returned for the put, for the next conditional GET.
    public var etag: String?

    /// A state from its parts.
    public init(
        bucket: String, key: String, serial: UInt64, generated: Int64, contentSHA256: String,
        snapshotSHA256: String, etag: String?
    ) {
        self.format = Self.formatVersion
        self.bucket = bucket
        self.key = key
        self.serial = serial
        self.generated = generated
        self.contentSHA256 = contentSHA256
        self.snapshotSHA256 = snapshotSHA256
        self.etag = etag
    }

    /// The file's bytes.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(self)) + [0x0a]
    }

    /// The state in `bytes`; throws on anything but a version-1 file.
    public static func decode(_ bytes: [UInt8]) throws -> PublisherState {
        let state = try JSONDecoder().decode(PublisherState.self, from: Data(bytes))
        guard state.format == formatVersion else {
            throw PublishError.unusableState(
                path: "state.json", detail: "format \(state.format) is not \(formatVersion)")
        }
        return state
    }
}
