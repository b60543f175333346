#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// What the publisher signs: the snapshot's serial, generation time, where it lives, and its length and SHA-256.
///
/// One line of canonical JSON, at most `maximumLength` bytes (the KMS `Sign` limit for `MessageType=RAW`):
///
/// ```
/// {"format":1,"serial":42,"generated":"2026-11-30T12:00:00Z","bucket":"b","key":"k","length":12345,"sha256":"<64 hex>","algorithm":"ECDSA_SHA_256"}
/// ```
public struct FleetManifest: Sendable, Equatable {
    /// The manifest format version (it follows the snapshot's).
    public static let formatVersion = 1
    /// The only signing algorithm of format 1 (KMS `ECC_NIST_P256` keys, `SigningAlgorithm=ECDSA_SHA_256`).
    public static let algorithmName = "ECDSA_SHA_256"
    /// The longest manifest, in bytes.
    public static let maximumLength = 4096

    /// The serial of the snapshot (the same as in its bytes).
    public var serial: UInt64
    /// When the snapshot was generated (the same as in its bytes; whole seconds).
    public var generated: Date
    /// The S3 bucket the snapshot was published to.
    public var bucket: String
    /// The S3 object key the snapshot was published to.
    public var key: String
    /// The length of the snapshot bytes.
    public var length: UInt64
    /// The SHA-256 of the snapshot bytes (32 bytes).
    public var sha256: [UInt8]

    /// A manifest with the given fields.
    public init(serial: UInt64, generated: Date, bucket: String, key: String, length: UInt64, sha256: [UInt8]) {
        self.serial = serial
        self.generated = generated
        self.bucket = bucket
        self.key = key
        self.length = length
        self.sha256 = sha256
    }

    /// The manifest of `snapshot`, whose bytes are `bytes` and whose SHA-256 is `sha256`, published at `bucket`/`key`.
    public init(snapshot: FleetSnapshot, bytes: [UInt8], sha256: [UInt8], bucket: String, key: String) {
        self.init(
            serial: snapshot.serial, generated: snapshot.generated, bucket: bucket, key: key,
            length: UInt64(bytes.count), sha256: sha256)
    }

    /// `sha256` in lowercase hex.
    public var sha256Hex: String { FleetHex.encode(sha256) }

    /// The canonical bytes (what is signed); throws `FleetFormatError` when the digest is not 32 bytes, the date
    /// is not a whole second in 1970 to 9999, or the result is longer than `maximumLength`.
    public func encoded() throws(FleetFormatError) -> [UInt8] {
        guard sha256.count == 32 else { throw FleetFormatError("manifest", "the SHA-256 is not 32 bytes") }
        var writer = FleetJSONWriter()
        writer.raw("{\"format\":")
        writer.number(UInt64(Self.formatVersion))
        writer.raw(",\"serial\":")
        writer.number(serial)
        writer.raw(",\"generated\":")
        try writer.timestamp(generated, part: "manifest", field: "generated")
        writer.raw(",\"bucket\":")
        writer.string(bucket)
        writer.raw(",\"key\":")
        writer.string(key)
        writer.raw(",\"length\":")
        writer.number(length)
        writer.raw(",\"sha256\":")
        writer.string(sha256Hex)
        writer.raw(",\"algorithm\":")
        writer.string(Self.algorithmName)
        writer.raw("}")
        guard writer.bytes.count <= Self.maximumLength else {
            throw FleetFormatError(
                "manifest", "it is longer than \(Self.maximumLength) bytes (the bucket or key is too long)")
        }
        return writer.bytes
    }

    /// The manifest in `bytes`; throws `FleetFormatError` for anything but exactly what `encoded()` writes.
    public static func decode(_ bytes: [UInt8]) throws(FleetFormatError) -> FleetManifest {
        guard bytes.count <= maximumLength else {
            throw FleetFormatError("manifest", "it is longer than \(maximumLength) bytes")
        }
        guard !bytes.contains(0x0a) else { throw FleetFormatError("manifest", "it is not one line") }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(FleetFormatError) -> FleetManifest in
            var line = FleetJSONReader(buffer, range: 0..<buffer.count, part: "manifest", line: 1)
            try line.expect("{\"format\":")
            let format = try line.number("format")
            guard format == formatVersion else {
                throw line.error(
                    "unknown manifest format \(format); this host reads format \(formatVersion) (upgrade aws-ec2-ssh)")
            }
            try line.expect(",\"serial\":")
            let serial = try line.number("serial")
            try line.expect(",\"generated\":")
            let generated = try line.timestamp("generated")
            try line.expect(",\"bucket\":")
            let bucket = try line.string("bucket")
            try line.expect(",\"key\":")
            let key = try line.string("key")
            try line.expect(",\"length\":")
            let length = try line.number("length")
            try line.expect(",\"sha256\":")
            guard let digest = FleetHex.decode(try line.string("sha256")), digest.count == 32 else {
                throw line.error("sha256 is not 64 lowercase hex digits")
            }
            try line.expect(",\"algorithm\":")
            let algorithm = try line.string("algorithm")
            guard algorithm == algorithmName else {
                throw line.error("unknown signing algorithm \(algorithm.debugDescription); expected \(algorithmName)")
            }
            try line.expect("}")
            try line.expectEnd()
            return FleetManifest(
                serial: serial, generated: generated, bucket: bucket, key: key, length: length, sha256: digest)
        }
    }
}
