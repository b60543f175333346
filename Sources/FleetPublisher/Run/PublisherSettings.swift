public import AWSCore

/// The settings `import_users publish` uses, taken from the configuration.
public struct PublisherSettings: Sendable, Equatable {
    /// SNAPSHOT_URL: where the snapshot object goes.
    public var location: S3Location
    /// SNAPSHOT_KMS_KEY_ID (empty: not set; only `--dry-run` works without it).
    public var kmsKeyID: String
    /// SNAPSHOT_RESIGN_INTERVAL in seconds.
    public var resignInterval: Int
    /// The IAM user tags the snapshot carries (SNAPSHOT_TAGS, else the tags the configuration uses).
    public var tags: Set<String>
    /// STATE_DIR.
    public var stateDirectory: String

    /// Settings from their parts.
    public init(location: S3Location, kmsKeyID: String, resignInterval: Int, tags: Set<String>, stateDirectory: String)
    {
        self.location = location
        self.kmsKeyID = kmsKeyID
        self.resignInterval = resignInterval
        self.tags = tags
        self.stateDirectory = stateDirectory
    }
}
