import AWSCore
import EC2SSHCore
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A fleet reader's import against moto: an envelope signed with a KMS key and put in S3 is fetched with the real
/// S3Client, verified with the key's public key (libcrypto) and applied; a 304 follows; a tampered object changes
/// nothing.
@Suite(.enabled(if: MotoEnvironment.isAvailable, "needs the moto server started by scripts/test"))
struct FleetReaderMotoTests {
    let moto: MotoEnvironment

    init() throws {
        moto = try #require(MotoEnvironment.current)
    }

    @Test func importReadsASignedSnapshotFromS3() throws {
        let kms = try moto.kmsClient()
        let keyID = try moto.makeSigningKey(kms)
        let publicKey = try ECDSAP256PublicKey(der: try kms.publicKey(keyID: keyID))
        let bucket = try moto.makeBucket()
        let location = S3Location(bucket: bucket, key: "aws-ec2-ssh/snapshot")
        let s3 = try moto.s3Client()

        func envelope(serial: UInt64, users: [String]) throws -> [UInt8] {
            let snapshot = FleetWorld.snapshot(
                serial: serial, generated: Date(timeIntervalSince1970: 1_800_000_000 - 60),
                users: users.map { FleetWorld.user($0, keys: [TestKeys.ed25519]) })
            let bytes = try FleetSnapshotCodec.encode(snapshot)
            let manifest = try FleetManifest(
                snapshot: snapshot, bytes: bytes, sha256: Digest.sha256(bytes), bucket: bucket, key: location.key
            ).encoded()
            let signature = try kms.sign(keyID: keyID, message: manifest)
            return FleetEnvelope(manifestBytes: manifest, signature: signature, snapshot: bytes).encoded()
        }
        _ = try s3.putObject(
            location, body: try envelope(serial: 1, users: ["alice", "bob"]), contentType: FleetEnvelope.contentType,
            metadata: [:])

        let world = ImportRunHarness(
            host: FakeAccountHost(users: [("root", 0)]),
            fleet: { fileSystem in
                FleetSnapshotFetcher(
                    s3: s3, location: location,
                    check: FleetSnapshotCheck(
                        location: location, key: publicKey, allowUnsigned: false, maximumAge: 3600),
                    store: FleetSnapshotStore(path: ImportRunHarness.fleetPath, owner: nil, fileSystem: fileSystem))
            })
        let config = "SNAPSHOT_URL=\"s3://\(bucket)/aws-ec2-ssh/snapshot\"\n"
        #expect(try world.run(config).exitCode == .ok)
        #expect(world.host.host.users.keys.filter { $0 != "root" }.sorted() == ["alice", "bob"])
        #expect(world.aws.calls.isEmpty)
        // Unchanged in S3: a 304, still OK, nothing changes.
        world.host.clearCommands()
        #expect(try world.run(config).exitCode == .ok)
        #expect(world.host.commandLines.isEmpty)
        #expect(world.log.text.contains("(unchanged)"))

        // A tampered object (one byte of the snapshot changed) is refused: nothing changes, exit 4.
        var tampered = try envelope(serial: 2, users: ["alice"])
        tampered[tampered.count - 5] ^= 0x01
        _ = try s3.putObject(location, body: tampered, contentType: FleetEnvelope.contentType, metadata: [:])
        #expect(try world.run(config).exitCode == .partial)
        #expect(world.host.commandLines.isEmpty)
        #expect(world.host.host.users.keys.filter { $0 != "root" }.sorted() == ["alice", "bob"])
    }
}
