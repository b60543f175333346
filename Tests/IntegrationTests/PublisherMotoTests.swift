import AWSCore
import EC2SSHCore
import EC2SSHSystem
import FleetPublisher
import Synchronization
import Testing

@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `import_users publish` with the real IAM, S3 and KMS clients against moto (signature checking on): the object
/// it puts verifies with the KMS key's public key (libcrypto) and holds the users, groups and active keys of IAM.
@Suite(.enabled(if: MotoEnvironment.isAvailable, "needs the moto server started by scripts/test"))
struct PublisherMotoTests {
    let moto: MotoEnvironment
    let admin: QueryClient

    init() throws {
        moto = try #require(MotoEnvironment.current)
        admin = try moto.queryClient(.iam)
    }

    /// Counts the GetSSHPublicKey calls per key id on the way to the real client.
    final class CountingDirectory: DirectoryReading {
        let iam: IAMClient
        private let fetched = Mutex<[String]>([])
        init(_ iam: IAMClient) { self.iam = iam }
        var keyIDs: [String] { fetched.withLock { $0 } }
        func listUsers() throws -> [IAMUser] { try iam.listUsers() }
        func listGroups() throws -> [IAMGroup] { try iam.listGroups() }
        func getGroup(_ name: String) throws -> IAMGroupMembers { try iam.getGroup(name) }
        func listSSHPublicKeys(userName: String) throws -> [SSHPublicKeyMetadata] {
            try iam.listSSHPublicKeys(userName: userName)
        }
        func getSSHPublicKey(userName: String, keyID: String) throws -> SSHPublicKey {
            fetched.withLock { $0.append(keyID) }
            return try iam.getSSHPublicKey(userName: userName, keyID: keyID)
        }
        func listUserTags(userName: String) throws -> [IAMTag] { try iam.listUserTags(userName: userName) }
    }

    @Test func publishesASignedSnapshotOfIAMThatVerifiesWithTheKMSPublicKey() throws {
        let alice = MotoEnvironment.uniqueName("pub-alice")
        let bob = MotoEnvironment.uniqueName("pub-bob")
        let group = MotoEnvironment.uniqueName("pub-devs")
        for user in [alice, bob] { _ = try admin.call("CreateUser", [("UserName", user)]) }
        _ = try admin.call("UploadSSHPublicKey", [("UserName", alice), ("SSHPublicKeyBody", TestKeys.ed25519)])
        _ = try admin.call("UploadSSHPublicKey", [("UserName", bob), ("SSHPublicKeyBody", TestKeys.rsa)])
        let iam = IAMClient(query: admin)
        let bobKey = try #require(try iam.listSSHPublicKeys(userName: bob).first?.keyID)
        _ = try admin.call(
            "UpdateSSHPublicKey", [("UserName", bob), ("SSHPublicKeyId", bobKey), ("Status", "Inactive")])
        _ = try admin.call("CreateGroup", [("GroupName", group)])
        _ = try admin.call("AddUserToGroup", [("GroupName", group), ("UserName", alice)])
        _ = try admin.call(
            "TagUser",
            [("UserName", alice), ("Tags.member.1.Key", "ssh-expires"), ("Tags.member.1.Value", "2030-01-01")])

        let s3 = try moto.s3Client()
        let kms = try moto.kmsClient()
        let location = S3Location(bucket: try moto.makeBucket(prefix: "publisher"), key: "fleet/snapshot")
        let keyID = try moto.makeSigningKey(kms)
        let state = try TemporaryDirectory()
        let directory = CountingDirectory(iam)
        let dependencies = PublishDependencies(
            fileSystem: PosixFileSystem(), time: SystemTimeSource(), iam: directory, s3Reader: s3, s3Writer: s3,
            kms: kms, makeVerifier: { try ECDSAP256PublicKey(der: $0) }, lock: { _ in {} }, output: { _ in },
            uid: Syscall.effectiveUserID())
        let settings = PublisherSettings(
            location: location, kmsKeyID: keyID, resignInterval: 900, tags: ["ssh-expires"],
            stateDirectory: state.path + "/state")
        let run = PublishRun(
            settings: settings, options: PublishOptions(), dependencies: dependencies, logger: LogCapture().logger)

        #expect(try run.run() == .published(serial: 1, reason: .firstPublish))

        guard case .object(let object) = try s3.getObject(location, ifNoneMatch: nil) else {
            Issue.record("no object after the publish")
            return
        }
        let envelope = try FleetEnvelope.decode(object.body)
        let publicKey = try ECDSAP256PublicKey(der: try kms.publicKey(keyID: keyID))
        let signature = try #require(envelope.signature)
        #expect(publicKey.isValidSignature(signature, for: envelope.manifestBytes))
        var tampered = envelope.manifestBytes
        tampered[tampered.count - 2] ^= 0x01
        #expect(!publicKey.isValidSignature(signature, for: tampered))
        let manifest = try FleetManifest.decode(envelope.manifestBytes)
        #expect(manifest.serial == 1)
        #expect(manifest.bucket == location.bucket && manifest.key == location.key)
        #expect(manifest.sha256 == Digest.sha256(envelope.snapshot))
        let snapshot = try FleetSnapshotCodec.decode(envelope.snapshot)
        let published = try #require(snapshot.users.first { $0.name == alice })
        #expect(published.keys.map(\.body) == [TestKeys.ed25519])
        #expect(published.groups == [group])
        #expect(published.tags == ["ssh-expires": "2030-01-01"])
        #expect(snapshot.users.first { $0.name == bob }?.keys.isEmpty == true, "an inactive key is not published")
        #expect(snapshot.groups.contains { $0.name == group })

        // The PEM that --print-public-key writes is the key readers pin.
        let pem = try PublicKeyExport(kms: kms, makeVerifier: { try ECDSAP256PublicKey(der: $0) }).pem(keyID: keyID)
        #expect(try ECDSAP256PublicKey(pem: Array(pem.utf8)) == publicKey)

        // A second publish reads no known key body again; unless another test changed IAM meanwhile, it publishes
        // nothing (a 304 on the ETag it remembers).
        let aliceKey = try #require(published.keys.first?.id)
        let fetchedBefore = directory.keyIDs.count
        let second = try run.run()
        #expect(!directory.keyIDs.dropFirst(fetchedBefore).contains(aliceKey))
        #expect(second == .unchanged(serial: 1) || second == .published(serial: 2, reason: .changed), "\(second)")
    }
}
