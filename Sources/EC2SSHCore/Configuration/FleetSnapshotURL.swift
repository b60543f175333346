/// SNAPSHOT_URL: where a fleet reader fetches the signed snapshot, `s3://bucket/key`.
public struct FleetSnapshotURL: Sendable, Equatable {
    /// The bucket: 3 to 63 characters of lowercase letters, digits, dots and dashes.
    public var bucket: String
    /// The object key: at most 1,024 bytes, without control characters, not starting with `/`.
    public var key: String

    /// A location from its parts (unchecked).
    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// `s3://bucket/key`.
    public var text: String { "s3://\(bucket)/\(key)" }

    /// The location `value` names; throws `ConfigValue.Invalid` saying what to write instead.
    static func parse(_ value: String) throws(ConfigValue.Invalid) -> FleetSnapshotURL {
        let example = "; write it as s3://bucket/path/to/snapshot"
        guard value.hasPrefix("s3://") else { throw ConfigValue.Invalid(message: "expected an s3:// URL" + example) }
        let rest = value.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/") else {
            throw ConfigValue.Invalid(message: "the URL has no object key" + example)
        }
        let bucket = String(rest[..<slash])
        let key = String(rest[rest.index(after: slash)...])
        let bucketBytes = Array(bucket.utf8)
        guard (3...63).contains(bucketBytes.count),
            bucketBytes.allSatisfy({ byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "-")
            })
        else {
            throw ConfigValue.Invalid(
                message: "'\(bucket)' is not an S3 bucket name (3 to 63 lowercase letters, digits, dots and dashes)")
        }
        guard !key.isEmpty, key.utf8.count <= 1024, !key.hasPrefix("/"),
            !key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f })
        else {
            throw ConfigValue.Invalid(
                message: "the object key must be 1 to 1024 bytes without control characters or a leading /" + example)
        }
        return FleetSnapshotURL(bucket: bucket, key: key)
    }
}
