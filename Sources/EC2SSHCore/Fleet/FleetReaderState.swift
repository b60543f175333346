#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// What a reader host remembers beside its verified copy of the fleet envelope (`fleet-snapshot.state`): the
/// serial and digest it applied (rollback and equivocation are judged against them), the ETag for the next
/// conditional GET, and when S3 was last asked.
public struct FleetReaderState: Sendable, Equatable, Codable {
    /// The suffix of the state file's name after the envelope's.
    public static let suffix = ".state"

    /// The serial of the verified copy.
    public var serial: UInt64
    /// The SHA-256 of its snapshot bytes, lowercase hex.
    public var sha256: String
    /// The ETag S3 sent with it, for `If-None-Match`.
    public var etag: String?
    /// When S3 last answered (200 or 304) for it.
    public var checkedAt: Date

    /// A state from its parts.
    public init(serial: UInt64, sha256: String, etag: String?, checkedAt: Date) {
        self.serial = serial
        self.sha256 = sha256
        self.etag = etag
        self.checkedAt = checkedAt
    }

    /// The state of a copy described by `manifest`.
    public init(manifest: FleetManifest, etag: String?, checkedAt: Date) {
        self.init(serial: manifest.serial, sha256: manifest.sha256Hex, etag: etag, checkedAt: checkedAt)
    }

    /// The mark rollback is judged against, `nil` when the digest is not hex.
    public var mark: FleetSnapshotMark? {
        FleetHex.decode(sha256).map { FleetSnapshotMark(serial: serial, sha256: $0) }
    }

    /// The file's bytes (sorted keys, ISO-8601 time).
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(self)) + [0x0a]
    }

    /// The state in `bytes`; throws `EC2SSHError.invalidDataFile` naming `path`.
    public static func decoded(_ bytes: [UInt8], path: String) throws -> FleetReaderState {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(FleetReaderState.self, from: Data(bytes))
        } catch {
            throw EC2SSHError.invalidDataFile(
                path: path,
                message: "the fleet snapshot state is corrupt (\(DecodingProblem.describe(error))); the next "
                    + "verified fetch rewrites it")
        }
    }
}
