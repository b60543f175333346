import AWSCore
import EC2SSHCore
import FleetPublisher
import TestSupport
import Testing

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `import_users publish` end to end over fakes: what is signed and put, when nothing is, and what is recorded.
@Suite struct PublishRunTests {
    static let throttling = AWSError.service(code: "Throttling", message: "Rate exceeded", requestID: "r", status: 400)

    @Test func theFirstPublishSignsThePutsOneObjectAndRecordsTheState() throws {
        let world = PublisherWorld()
        world.storage.declareEmpty(PublisherWorld.location)
        let outcome = try world.run()
        #expect(outcome == .published(serial: 1, reason: .firstPublish))
        #expect(world.kms.signed.count == 1)
        #expect(world.storage.puts.count == 1)
        #expect(world.storage.puts.first?.contentType == "application/vnd.aws-ec2-ssh.snapshot")
        let (manifest, snapshot) = try world.publishedSnapshot()
        #expect(world.kms.signed.first == (try manifest.encoded()))
        #expect(manifest.serial == 1 && snapshot.serial == 1)
        #expect(manifest.bucket == "fleet-bucket" && manifest.key == "aws-ec2-ssh/snapshot")
        #expect(snapshot.generated == world.clock.now())
        #expect(snapshot.users.map(\.name) == ["alice", "bob", "carol"])
        #expect(snapshot.users[0].keys.map(\.id) == ["APKA", "APKB"])
        let state = try #require(try world.state())
        #expect(state.serial == 1)
        #expect(state.etag == world.storage.object(at: PublisherWorld.location)?.etag)
        #expect(state.snapshotSHA256 == manifest.sha256Hex)
        #expect(world.fileSystem.writes.allSatisfy { $0.mode == 0o600 })
        #expect(world.fileSystem.node(PublisherWorld.stateDir + "/publisher")?.mode == 0o700)
    }

    @Test func anUnchangedDirectoryPublishesNothingAndMakesNoGetSSHPublicKey() throws {
        let world = PublisherWorld()
        world.storage.declareEmpty(PublisherWorld.location)
        _ = try world.run()
        let etag = try world.state()?.etag
        let callsBefore = world.iam.calls.count
        world.clock.advance(by: 899)
        #expect(try world.run() == .unchanged(serial: 1))
        #expect(world.kms.signed.count == 1)
        #expect(world.storage.puts.count == 1)
        #expect(world.storage.conditionalGets.last == etag)
        let second = world.iam.calls.dropFirst(callsBefore)
        #expect(second.filter { $0.hasPrefix("GetSSHPublicKey") }.isEmpty)
        #expect(second.filter { $0.hasPrefix("ListSSHPublicKeys") }.count == 3)
        #expect(world.kms.publicKeyCalls == 0, "a 304 needs no verification")
    }

    @Test func afterTheResignIntervalTheSameContentIsSignedAndPutWithTheNextSerial() throws {
        let world = PublisherWorld()
        world.storage.declareEmpty(PublisherWorld.location)
        _ = try world.run()
        world.clock.advance(by: 900)
        #expect(try world.run() == .published(serial: 2, reason: .resign(age: 900)))
        #expect(world.kms.signed.count == 2)
        #expect(world.storage.puts.count == 2)
        #expect(try world.state()?.serial == 2)
        #expect(try world.publishedSnapshot().1.generated == world.clock.now())
    }

    @Test func aChangeInIAMIsPublishedAtOnceAndANewKeyCostsOneGetSSHPublicKey() throws {
        let world = PublisherWorld()
        world.storage.declareEmpty(PublisherWorld.location)
        _ = try world.run()
        world.iam.setKeys("carol", [.init(id: "APKN", body: "ssh-ed25519 AAAAN carol")])
        world.clock.advance(by: 10)
        let before = world.iam.calls.count
        #expect(try world.run() == .published(serial: 2, reason: .changed))
        #expect(
            world.iam.calls.dropFirst(before).filter { $0.hasPrefix("GetSSHPublicKey") } == [
                "GetSSHPublicKey carol APKN"
            ])
        #expect(try world.publishedSnapshot().1.users[2].keys.map(\.id) == ["APKN"])
    }

    @Test func theSerialContinuesFromAHigherVerifiedSerialInS3() throws {
        let world = PublisherWorld()
        world.storage.declareEmpty(PublisherWorld.location)
        _ = try world.run()
        // Another publisher (same key) put serial 41 meanwhile, with other content.
        let theirs = try Self.envelope(serial: 41, users: [], world: world)
        world.storage.store(theirs, at: PublisherWorld.location)
        world.clock.advance(by: 5)
        #expect(try world.run() == .published(serial: 42, reason: .changed))
        #expect(world.kms.publicKeyCalls == 1)
        #expect(try world.state()?.serial == 42)
    }

    @Test func anObjectThatDoesNotVerifyIsReplacedAndDoesNotRaiseTheSerial() throws {
        let world = PublisherWorld()
        world.storage.declareEmpty(PublisherWorld.location)
        _ = try world.run()
        var forged = try Self.envelope(serial: 1_000_000, users: [], world: world)
        forged[forged.count - 3] ^= 0x01  // a changed byte in the snapshot: digest mismatch
        world.storage.store(forged, at: PublisherWorld.location)
        let outcome = try world.run()
        guard case .published(let serial, .replacesUnverified(let problem)) = outcome else {
            Issue.record("expected a replacement, got \(outcome)")
            return
        }
        #expect(serial == 2)
        #expect(!problem.isEmpty)
        #expect(world.log.text.contains("does not verify"))
    }

    @Test func aForeignSignatureIsNotTrusted() throws {
        let world = PublisherWorld()
        world.storage.declareEmpty(PublisherWorld.location)
        _ = try world.run()
        let stranger = FakeKMSSigner(keyID: PublisherWorld.keyID, publicKeyDER: Array("other-key".utf8))
        let strangerWorld = PublisherWorld()
        let bytes = try Self.envelope(serial: 500, users: [], world: strangerWorld, kms: stranger)
        world.storage.store(bytes, at: PublisherWorld.location)
        guard case .published(2, .replacesUnverified) = try world.run() else {
            Issue.record("the forged serial 500 was trusted")
            return
        }
    }

    @Test(arguments: ["ListUsers", "GetGroup devs", "ListSSHPublicKeys alice", "GetSSHPublicKey bob APKC"])
    func aFailedIAMReadPublishesNothingAndKeepsTheState(call: String) throws {
        let world = PublisherWorld()
        world.storage.declareEmpty(PublisherWorld.location)
        _ = try world.run()
        let state = try world.state()
        world.iam.setKeys("bob", [.init(id: "APKC", body: "ssh-rsa AAAAC bob"), .init(id: "APKX", body: "ssh-rsa X")])
        world.iam.fail(call == "GetSSHPublicKey bob APKC" ? "GetSSHPublicKey bob APKX" : call, with: Self.throttling)
        world.clock.advance(by: 3600)
        let error = #expect(throws: PublishError.self) { try world.run() }
        #expect(error?.exitCode == .iam)
        #expect(error?.description.contains("Throttling") == true)
        #expect(world.kms.signed.count == 1)
        #expect(world.storage.puts.count == 1)
        #expect(world.storage.conditionalGets.count == 1, "no S3 read after a failed IAM read")
        #expect(try world.state() == state)
    }

    @Test func badXMLFromIAMPublishesNothing() throws {
        let world = PublisherWorld()
        world.storage.declareEmpty(PublisherWorld.location)
        world.iam.fail("ListGroups", with: .malformedResponse(detail: "iam:ListGroups: no element ListGroupsResult"))
        let error = #expect(throws: PublishError.self) { try world.run() }
        #expect(error?.exitCode == .iam)
        #expect(world.storage.puts.isEmpty)
        #expect(world.kms.signed.isEmpty)
        #expect(try world.state() == nil)
    }

    @Test func aFailedPutDoesNotAdvanceTheState() throws {
        let world = PublisherWorld()
        world.storage.declareEmpty(PublisherWorld.location)
        _ = try world.run()
        let state = try world.state()
        world.iam.addUser("dave")
        world.storage.failPuts(.service(code: "AccessDenied", message: "denied", requestID: nil, status: 403))
        let error = #expect(throws: PublishError.self) { try world.run() }
        #expect(error?.exitCode == .storage)
        #expect(error?.description.contains("s3:PutObject") == true)
        #expect(error?.description.contains("AccessDenied") == true)
        #expect(try world.state() == state)
        world.storage.failPuts(nil)
        #expect(try world.run() == .published(serial: 2, reason: .changed))
    }

    @Test func aFailedSignPutsNothing() throws {
        let world = PublisherWorld()
        world.storage.declareEmpty(PublisherWorld.location)
        world.kms.failSigning(.service(code: "DisabledException", message: "disabled", requestID: nil, status: 400))
        let error = #expect(throws: PublishError.self) { try world.run() }
        #expect(error?.exitCode == .storage)
        #expect(error?.description.contains("kms:Sign") == true)
        #expect(world.storage.puts.isEmpty)
        #expect(try world.state() == nil)
    }

    @Test func aFailedGetOfTheCurrentObjectPublishesNothing() throws {
        let world = PublisherWorld()
        world.storage.failGets(.service(code: "AccessDenied", message: "denied", requestID: nil, status: 403))
        let error = #expect(throws: PublishError.self) { try world.run() }
        #expect(error?.description.contains("s3:GetObject") == true)
        #expect(world.kms.signed.isEmpty && world.storage.puts.isEmpty)
    }

    @Test func aDryRunPrintsWhatWouldBePublishedAndChangesNothing() throws {
        let world = PublisherWorld()
        world.storage.declareEmpty(PublisherWorld.location)
        let outcome = try world.run(dryRun: true)
        #expect(outcome == .dryRun(.publish(serial: 1, reason: .firstPublish)))
        #expect(world.kms.signed.isEmpty)
        #expect(world.storage.puts.isEmpty)
        #expect(try world.state() == nil)
        #expect(world.fileSystem.writes.isEmpty)
        #expect(world.output.contains("would publish serial 1"))
        #expect(world.output.contains("users: 3, groups: 3, active keys: 3"))
        #expect(world.output.contains("sha256 "))
        #expect(world.output.contains("iam:GetSSHPublicKey 3"))
    }

    @Test func aDryRunWithoutAKMSKeyStillReports() throws {
        let world = PublisherWorld()
        world.storage.declareEmpty(PublisherWorld.location)
        #expect(
            try world.run(world.settings(keyID: ""), dryRun: true)
                == .dryRun(.publish(serial: 1, reason: .firstPublish)))
        #expect(
            throws: PublishError.configuration(
                detail: "SNAPSHOT_KMS_KEY_ID is not set; set it to the KMS key that signs snapshots")
        ) {
            try world.run(world.settings(keyID: ""))
        }
    }

    @Test func aHeldLockPublishesNothing() throws {
        let world = PublisherWorld()
        world.holdLock()
        let error = #expect(throws: PublishError.self) { try world.run() }
        #expect(error?.exitCode == .lockHeld)
        #expect(world.iam.calls.isEmpty)
    }

    @Test func aCorruptStateFileIsRefused() throws {
        let world = PublisherWorld()
        world.fileSystem.addDirectory(PublisherWorld.stateDir, mode: 0o700)
        world.fileSystem.addDirectory(PublisherWorld.stateDir + "/publisher", mode: 0o700)
        world.fileSystem.addFile(world.statePath, "{not json")
        let error = #expect(throws: PublishError.self) { try world.run() }
        #expect(error?.exitCode == .configuration)
        #expect(world.iam.calls.isEmpty)
    }

    @Test func aPublisherDirectoryOthersCanWriteIsRefused() throws {
        let world = PublisherWorld()
        world.fileSystem.addDirectory(PublisherWorld.stateDir, mode: 0o700)
        world.fileSystem.addDirectory(PublisherWorld.stateDir + "/publisher", mode: 0o777)
        let error = #expect(throws: PublishError.self) { try world.run() }
        #expect(error?.exitCode == .configuration)
        #expect(error?.description.contains("0777") == true)
    }

    @Test func aPublisherThatIsNotRootUsesItsOwnDirectoryUnderRootsStateDir() throws {
        let world = PublisherWorld(uid: 1001)
        world.fileSystem.addDirectory(PublisherWorld.stateDir, mode: 0o755)
        world.fileSystem.addDirectory(PublisherWorld.stateDir + "/publisher", mode: 0o700, uid: 1001)
        world.storage.declareEmpty(PublisherWorld.location)
        #expect(try world.run() == .published(serial: 1, reason: .firstPublish))

        let other = PublisherWorld(uid: 1001)
        other.fileSystem.addDirectory(PublisherWorld.stateDir, mode: 0o755)
        other.fileSystem.addDirectory(PublisherWorld.stateDir + "/publisher", mode: 0o700, uid: 0)
        let error = #expect(throws: PublishError.self) { try other.run() }
        #expect(error?.exitCode == .configuration)
        #expect(error?.description.contains("owned by UID 0") == true)
    }

    @Test func carriedTagsAreReadAndPublished() throws {
        let world = PublisherWorld()
        world.storage.declareEmpty(PublisherWorld.location)
        world.iam.setTags("alice", ["ssh-expires": "2027-01-01", "other": "x"])
        world.iam.setTags("bob", [:])
        world.iam.setTags("carol", [:])
        _ = try world.run(world.settings(tags: ["ssh-expires"]))
        #expect(try world.publishedSnapshot().1.users[0].tags == ["ssh-expires": "2027-01-01"])
    }

    /// A valid envelope signed by `kms` (the world's own by default) with `serial` and `users`.
    static func envelope(serial: UInt64, users: [FleetUser], world: PublisherWorld, kms: FakeKMSSigner? = nil) throws
        -> [UInt8]
    {
        let snapshot = FleetSnapshot(serial: serial, generated: world.clock.now(), users: users, groups: [])
        let bytes = try FleetSnapshotCodec.encode(snapshot)
        let manifest = try FleetManifest(
            snapshot: snapshot, bytes: bytes, sha256: Digest.sha256(bytes), bucket: PublisherWorld.location.bucket,
            key: PublisherWorld.location.key
        ).encoded()
        let signature = try (kms ?? world.kms).sign(keyID: PublisherWorld.keyID, message: manifest)
        return FleetEnvelope(manifestBytes: manifest, signature: signature, snapshot: bytes).encoded()
    }
}
