/// SNAPSHOT_URL: the S3 object of fleet mode, `s3://bucket/key`.
public struct SnapshotURL: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The bucket name.
    public var bucket: String
    /// The object key (without a leading slash).
    public var key: String

    /// A URL from its parts.
    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// `s3://bucket/key`.
    public var description: String { "s3://\(bucket)/\(key)" }
}
