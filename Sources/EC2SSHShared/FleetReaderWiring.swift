public import AWSCore
public import EC2SSHCore
public import EC2SSHSystem

/// Builds a fleet reader's refresh from the configuration: the S3 client, the pinned public key and the store.
public enum FleetReaderWiring {
    /// The file name of the verified copy (in STATE_DIR for import_users, in KEY_CACHE_DIR for the key command).
    public static let fileName = "fleet-snapshot"

    /// The verification policy of `configuration` (SNAPSHOT_URL set) with the key read from SNAPSHOT_PUBLIC_KEY
    /// through `files`; without a readable key the check refuses every signed snapshot, and `problem` says why.
    public static func check(_ configuration: Configuration, url: FleetSnapshotURL, files: any FileReading)
        -> (check: FleetSnapshotCheck, problem: String?)
    {
        var key: (any SignatureVerifying)?
        var problem: String?
        do {
            guard let pem = try files.contents(atPath: configuration.snapshotPublicKey) else {
                throw AWSError.configuration(detail: "the file does not exist")
            }
            key = try ECDSAP256PublicKey(pem: pem)
        } catch {
            problem =
                "cannot use SNAPSHOT_PUBLIC_KEY \(configuration.snapshotPublicKey): \(error); install the publisher's "
                + "KMS public key there (PEM), every signed snapshot is refused until then"
        }
        let check = FleetSnapshotCheck(
            location: S3Location(bucket: url.bucket, key: url.key), key: key,
            allowUnsigned: configuration.snapshotAllowUnsigned, maximumAge: configuration.snapshotMaxAge)
        return (check, problem)
    }

    /// The refresh of `configuration` (SNAPSHOT_URL set) over `clients`, storing into `directory`/fleet-snapshot
    /// owned by `owner`; throws when the S3 client cannot be built (no region).
    public static func fetcher(
        _ configuration: Configuration, url: FleetSnapshotURL, clients: AWSClients, files: any FileReading,
        fileSystem: any FileSystem, directory: String, owner: FileOwner?
    ) throws -> (fetcher: FleetSnapshotFetcher, problem: String?) {
        let (check, problem) = self.check(configuration, url: url, files: files)
        let store = FleetSnapshotStore(path: directory + "/" + fileName, owner: owner, fileSystem: fileSystem)
        let s3 = try clients.s3(expectedBucketOwner: configuration.snapshotBucketOwner)
        return (
            FleetSnapshotFetcher(
                s3: s3, location: S3Location(bucket: url.bucket, key: url.key), check: check, store: store),
            problem
        )
    }
}
