public import AWSCore
public import EC2SSHSystem

/// Everything a publish touches outside itself, passed in explicitly (`PublishWiring` builds the real ones).
public struct PublishDependencies: Sendable {
    /// STATE_DIR/publisher's files.
    public var fileSystem: any FileSystem
    /// The clock (the snapshot's generation time, the re-sign interval).
    public var time: any TimeSource
    /// The IAM reads.
    public var iam: any DirectoryReading
    /// Reads the object now in S3 (conditional GET).
    public var s3Reader: any S3ObjectReading
    /// Puts the new object.
    public var s3Writer: any S3ObjectWriting
    /// Signs the manifest and gives the public key.
    public var kms: any KMSSigning
    /// Makes a verifier from the KMS key's DER SubjectPublicKeyInfo, to check the object now in S3.
    public var makeVerifier: @Sendable ([UInt8]) throws -> any SignatureVerifying
    /// Takes the publish lock at a path and returns how to release it; throws `SystemError` of kind `.lockHeld`.
    public var lock: @Sendable (String) throws -> @Sendable () -> Void
    /// Writes to standard output (the dry-run report, the public key).
    public var output: @Sendable (String) -> Void
    /// The effective user id of the run; STATE_DIR/publisher must belong to it.
    public var uid: UInt32

    /// Creates the dependencies.
    public init(
        fileSystem: any FileSystem, time: any TimeSource, iam: any DirectoryReading, s3Reader: any S3ObjectReading,
        s3Writer: any S3ObjectWriting, kms: any KMSSigning,
        makeVerifier: @escaping @Sendable ([UInt8]) throws -> any SignatureVerifying,
        lock: @escaping @Sendable (String) throws -> @Sendable () -> Void, output: @escaping @Sendable (String) -> Void,
        uid: UInt32
    ) {
        self.fileSystem = fileSystem
        self.time = time
        self.iam = iam
        self.s3Reader = s3Reader
        self.s3Writer = s3Writer
        self.kms = kms
        self.makeVerifier = makeVerifier
        self.lock = lock
        self.output = output
        self.uid = uid
    }
}
