import AWSCore
import EC2SSHCore
import EC2SSHSystem
import FleetPublisher
import Logging
import Synchronization
import TestSupport
import Testing

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A publisher with fakes all round: IAM (`FakeIAMDirectory`), S3 (`FakeSnapshotStorage`), KMS (`FakeKMSSigner`),
/// an in-memory STATE_DIR and a clock that moves only when the test says.
final class PublisherWorld: Sendable {
    static let location = S3Location(bucket: "fleet-bucket", key: "aws-ec2-ssh/snapshot")
    static let keyID = "alias/aws-ec2-ssh-snapshot"
    static let stateDir = "/var/lib/aws-ec2-ssh"

    let iam: FakeIAMDirectory
    let storage = FakeSnapshotStorage()
    let kms = FakeKMSSigner(keyID: PublisherWorld.keyID)
    let fileSystem = MemoryFileSystem(directories: ["/var", "/var/lib"])
    let clock = FakeClock(now: Date(timeIntervalSince1970: 1_800_000_000))
    let log = LogCapture()
    private let printed = Mutex("")
    private let lockHeld = Mutex(false)

    /// The UID the publisher runs as.
    let uid: UInt32

    init(iam: FakeIAMDirectory = DirectoryReaderTests.directory(), uid: UInt32 = 0) {
        self.iam = iam
        self.uid = uid
    }

    var output: String { printed.withLock { $0 } }

    func holdLock() { lockHeld.withLock { $0 = true } }

    var statePath: String { Self.stateDir + "/publisher/state.json" }

    func state() throws -> PublisherState? {
        try fileSystem.readFile(statePath).map { try PublisherState.decode($0) }
    }

    func settings(resignInterval: Int = 900, tags: Set<String> = [], keyID: String = PublisherWorld.keyID)
        -> PublisherSettings
    {
        PublisherSettings(
            location: Self.location, kmsKeyID: keyID, resignInterval: resignInterval, tags: tags,
            stateDirectory: Self.stateDir)
    }

    func run(_ settings: PublisherSettings? = nil, dryRun: Bool = false) throws(PublishError) -> PublishRun.Outcome {
        let dependencies = PublishDependencies(
            fileSystem: fileSystem, time: clock, iam: iam, s3Reader: storage, s3Writer: storage, kms: kms,
            makeVerifier: { FakeSignatureVerifier(der: $0) },
            lock: { path in
                if self.lockHeld.withLock({ $0 }) {
                    throw SystemError(.lockHeld, operation: "lock", subject: path, errno: 11)
                }
                return {}
            },
            output: { text in self.printed.withLock { $0 += text } }, uid: uid)
        return try PublishRun(
            settings: settings ?? self.settings(), options: PublishOptions(dryRun: dryRun),
            dependencies: dependencies, logger: log.logger
        ).run()
    }

    /// The snapshot in the object at `location`, decoded after checking the envelope's signature.
    func publishedSnapshot() throws -> (FleetManifest, FleetSnapshot) {
        let object = try #require(storage.object(at: Self.location))
        let envelope = try FleetEnvelope.decode(object.body)
        let signature = try #require(envelope.signature)
        #expect(FakeSignatureVerifier(der: kms.publicKeyDER).isValidSignature(signature, for: envelope.manifestBytes))
        return (try FleetManifest.decode(envelope.manifestBytes), try FleetSnapshotCodec.decode(envelope.snapshot))
    }
}
