public import AWSCore
public import EC2SSHCore

/// The settings `import_users publish` uses, taken from the configuration.
public struct PublisherSettings: Sendable, Equatable {
    /// SNAPSHOT_URL: where the snapshot object goes.
    public var location: S3Location
    /// SNAPSHOT_BUCKET_OWNER (`nil`: not sent).
    public var bucketOwner: String?
    /// SNAPSHOT_KMS_KEY_ID (empty: not set; only `--dry-run` works without it).
    public var kmsKeyID: String
    /// SNAPSHOT_RESIGN_INTERVAL in seconds.
    public var resignInterval: Int
    /// The IAM user tags the snapshot carries (SNAPSHOT_TAGS, else the tags the configuration uses).
    public var tags: Set<String>
    /// STATE_DIR.
    public var stateDirectory: String

    /// Settings from their parts.
    public init(
        location: S3Location, bucketOwner: String? = nil, kmsKeyID: String, resignInterval: Int, tags: Set<String>,
        stateDirectory: String
    ) {
        self.location = location
        self.bucketOwner = bucketOwner
        self.kmsKeyID = kmsKeyID
        self.resignInterval = resignInterval
        self.tags = tags
        self.stateDirectory = stateDirectory
    }

    /// The settings of `configuration`; throws when SNAPSHOT_URL is not set.
    public init(configuration: Configuration) throws(PublishError) {
        guard let url = configuration.snapshotURL else {
            throw .configuration(
                detail: "SNAPSHOT_URL is not set; set it to the s3://bucket/key the fleet's snapshot is published at")
        }
        self.init(
            location: S3Location(bucket: url.bucket, key: url.key),
            bucketOwner: configuration.snapshotBucketOwner.isEmpty ? nil : configuration.snapshotBucketOwner,
            kmsKeyID: configuration.snapshotKMSKeyID, resignInterval: configuration.snapshotResignInterval,
            tags: Self.carriedTags(configuration), stateDirectory: configuration.stateDir)
    }

    /// SNAPSHOT_TAGS when set, else the tags the configuration uses (ACCESS_EXPIRY_TAG), else none.
    public static func carriedTags(_ configuration: Configuration) -> Set<String> {
        if !configuration.snapshotTags.isEmpty { return Set(configuration.snapshotTags) }
        return configuration.accessExpiryTag.isEmpty ? [] : [configuration.accessExpiryTag]
    }
}
