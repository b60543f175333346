import AWSCore
import EC2SSHCore
import Testing

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The key command of a fleet reader: keys from the verified snapshot, 0 AWS calls within SNAPSHOT_REFRESH, one
/// conditional GET after it, the verified copy whenever S3 fails, and never an unverified or older copy.
@Suite struct KeyCommandFleetTests {
    /// A harness in fleet mode whose IAM fake must see no call.
    func harness(_ replies: FakeS3.Reply...) -> KeyCommandHarness {
        let harness = KeyCommandHarness()
        harness.s3 = FakeS3(replies)
        return harness
    }

    /// An envelope where alice has `aliceKeys`, bob+admin his key and carol (not managed) one.
    func envelope(_ harness: KeyCommandHarness, serial: UInt64, aliceKeys: [String] = [TestKeys.ed25519])
        throws -> [UInt8]
    {
        var alice = FleetWorld.user("alice", groups: ["ssh"], keys: aliceKeys)
        alice.id = "AIDAALICE"
        var bob = FleetWorld.user("bob+admin", keys: [TestKeys.ecdsa])
        bob.id = "AIDABOB"
        return try FleetWorld.envelope(
            FleetWorld.snapshot(
                serial: serial, generated: harness.clock.now().addingTimeInterval(-30),
                users: [alice, bob, FleetWorld.user("carol", keys: [TestKeys.second])]))
    }

    /// Stores `envelope` as the key command's own copy (or import_users' copy), confirmed by S3 `age` seconds ago.
    func store(_ harness: KeyCommandHarness, _ envelope: [UInt8], age: Double, importCopy: Bool = false) throws {
        let manifest = try FleetManifest.decode(try FleetEnvelope.decode(envelope).manifestBytes)
        let path = importCopy ? KeyCommandHarness.importFleetPath : KeyCommandHarness.ownFleetPath
        try FleetSnapshotStore(path: path, owner: nil, fileSystem: harness.fs).save(
            envelope: envelope,
            state: FleetReaderState(
                manifest: manifest, etag: "\"e\(manifest.serial)\"",
                checkedAt: harness.clock.now().addingTimeInterval(-age)))
    }

    @Test func servesFromTheVerifiedCopyWithoutAnyAWSCall() throws {
        let harness = harness()
        try store(harness, envelope(harness, serial: 5), age: 10)
        let outcome = harness.run()
        #expect(outcome.lines == [TestKeys.ed25519])
        #expect(outcome.audit.source == .fleetSnapshot)
        #expect(harness.s3?.requests == [])
        #expect(harness.iam.calls.isEmpty)
        #expect(harness.run("bob.plus.admin").lines == [TestKeys.ecdsa])
    }

    @Test func anOlderCopyIsRefreshedAndARevokedKeyStopsAtOnce() throws {
        let harness = harness()
        try store(harness, envelope(harness, serial: 5), age: 120)
        harness.s3?.script(.object(try envelope(harness, serial: 6, aliceKeys: []), etag: "\"e6\""))
        #expect(harness.run().lines.isEmpty)
        #expect(harness.s3?.requests == ["s3://fleet-bucket/aws-ec2-ssh/snapshot If-None-Match=\"e5\""])
        #expect(
            try FleetSnapshotStore(path: KeyCommandHarness.ownFleetPath, owner: nil, fileSystem: harness.fs)
                .loadState()?.serial == 6)
        // Now confirmed just now: the next login asks nobody.
        #expect(harness.run().lines.isEmpty)
        #expect(harness.s3?.requests.count == 1)
        #expect(harness.iam.calls.isEmpty)
    }

    @Test func aNotModifiedAnswerOnlyRecordsTheCheck() throws {
        let harness = harness(.notModified)
        try store(harness, envelope(harness, serial: 5), age: 120)
        #expect(harness.run().lines == [TestKeys.ed25519])
        let state = try FleetSnapshotStore(path: KeyCommandHarness.ownFleetPath, owner: nil, fileSystem: harness.fs)
            .loadState()
        #expect(state?.checkedAt == harness.clock.now())
        #expect(harness.run().lines == [TestKeys.ed25519])
        #expect(harness.s3?.requests.count == 1)
    }

    /// (label, S3's answer): the login is served from the verified copy (serial 5) all the same.
    static let failures: [(String, FakeS3.Reply)] = [
        ("S3 down", .failure(.transport(detail: "connect to 127.0.0.1:1 failed"))),
        ("throttled", .failure(.service(code: "SlowDown", message: "slow", requestID: nil, status: 503))),
        ("garbage", .object(Array("<html>".utf8), etag: "\"x\"")),
    ]

    @Test(arguments: failures)
    func s3FailuresKeepServingTheVerifiedCopy(label: String, reply: FakeS3.Reply) throws {
        let harness = harness(reply)
        try store(harness, envelope(harness, serial: 5), age: 120)
        #expect(harness.run().lines == [TestKeys.ed25519], "\(label)")
        #expect(harness.log.text.contains("fleet snapshot"), "\(label)")
    }

    @Test func refusedSnapshotsAreNeverServed() throws {
        let harness = harness()
        let old = try envelope(harness, serial: 5)
        var tampered = try envelope(harness, serial: 6, aliceKeys: [TestKeys.second])
        tampered[tampered.count - 20] ^= 0x01
        let rollback = try envelope(harness, serial: 4, aliceKeys: [TestKeys.second])
        let forged = try FleetWorld.envelope(
            FleetWorld.snapshot(serial: 9, generated: harness.clock.now(), users: [FleetWorld.user("alice")]),
            signer: FleetWorld.other)
        try store(harness, old, age: 120)
        for bad in [tampered, rollback, forged] {
            harness.s3?.script(.object(bad, etag: "\"bad\""))
            #expect(harness.run().lines == [TestKeys.ed25519])
            #expect(try harness.fs.readFile(KeyCommandHarness.ownFleetPath) == old)
        }
    }

    @Test func aCopyChangedOnDiskIsNotServed() throws {
        let harness = harness(.failure(.transport(detail: "down")))
        var bytes = try envelope(harness, serial: 5)
        try store(harness, bytes, age: 10)
        bytes[bytes.count - 20] ^= 0x01
        harness.fs.addFile(KeyCommandHarness.ownFleetPath, bytes, mode: 0o644, uid: KeyCommandHarness.runningUID)
        let outcome = harness.run()
        #expect(outcome.lines.isEmpty)
        #expect(harness.iam.calls.isEmpty)
    }

    @Test func theHigherSerialOfTheTwoVerifiedCopiesWins() throws {
        let harness = harness()
        try store(harness, envelope(harness, serial: 5), age: 10)
        try store(harness, envelope(harness, serial: 7, aliceKeys: [TestKeys.second]), age: 10, importCopy: true)
        #expect(harness.run().lines == [TestKeys.second])
        #expect(harness.s3?.requests == [])
    }

    /// How often one login read each copy's envelope.
    func envelopeReads(_ harness: KeyCommandHarness, during login: () -> Void) -> (own: Int, imported: Int) {
        let before = harness.fs.reads
        login()
        let reads = harness.fs.reads.dropFirst(before.count)
        return (
            reads.count { $0 == KeyCommandHarness.ownFleetPath },
            reads.count { $0 == KeyCommandHarness.importFleetPath }
        )
    }

    @Test func onlyTheCopyClaimingTheHigherSerialIsReadWhenItVerifies() throws {
        let harness = harness()
        try store(harness, envelope(harness, serial: 5), age: 10)
        try store(harness, envelope(harness, serial: 7, aliceKeys: [TestKeys.second]), age: 30, importCopy: true)
        let reads = envelopeReads(harness) { #expect(harness.run().lines == [TestKeys.second]) }
        #expect(reads.own == 0 && reads.imported == 1)
        // The own copy's confirmation (10 s ago) still counts: no refresh within SNAPSHOT_REFRESH.
        #expect(harness.s3?.requests == [])
    }

    @Test func aHigherClaimThatFailsTheCheckFallsBackToTheOtherCopy() throws {
        let harness = harness()
        try store(harness, envelope(harness, serial: 5), age: 10)
        var newer = try envelope(harness, serial: 7, aliceKeys: [TestKeys.second])
        try store(harness, newer, age: 10, importCopy: true)
        newer[newer.count - 20] ^= 0x01
        harness.fs.addFile(KeyCommandHarness.importFleetPath, newer, mode: 0o644, uid: 0)
        let reads = envelopeReads(harness) { #expect(harness.run().lines == [TestKeys.ed25519]) }
        #expect(reads.own == 1 && reads.imported == 1)
        #expect(harness.log.text.contains("is not used"))
    }

    @Test func aRefreshDoesNotReadTheOwnCopyTwice() throws {
        let harness = harness(.notModified)
        try store(harness, envelope(harness, serial: 5), age: 120)
        let reads = envelopeReads(harness) { #expect(harness.run().lines == [TestKeys.ed25519]) }
        #expect(reads.own == 1 && reads.imported == 0)
        #expect(harness.s3?.requests == ["s3://fleet-bucket/aws-ec2-ssh/snapshot If-None-Match=\"e5\""])
    }

    /// import_users' copy newer than the key command's own (or the only one): S3 is asked about it, and a 304 makes
    /// it the key command's own copy without downloading the object again on this host.
    @Test(arguments: [true, false])
    func aNewerImportCopyIsAdoptedOnANotModifiedAnswer(ownCopy: Bool) throws {
        let harness = harness(.notModified)
        if ownCopy { try store(harness, envelope(harness, serial: 5), age: 120) }
        let newer = try envelope(harness, serial: 7, aliceKeys: [TestKeys.second])
        try store(harness, newer, age: 120, importCopy: true)
        #expect(harness.run().lines == [TestKeys.second])
        #expect(harness.s3?.requests == ["s3://fleet-bucket/aws-ec2-ssh/snapshot If-None-Match=\"e7\""])
        let own = FleetSnapshotStore(path: KeyCommandHarness.ownFleetPath, owner: nil, fileSystem: harness.fs)
        #expect(try harness.fs.readFile(KeyCommandHarness.ownFleetPath) == newer)
        #expect(try own.loadState()?.serial == 7)
        #expect(try own.loadState()?.checkedAt == harness.clock.now())
        // Confirmed just now: the next login asks nobody and serves the same.
        #expect(harness.run().lines == [TestKeys.second])
        #expect(harness.s3?.requests.count == 1)
    }

    /// When S3 has something newer than import_users' copy, it is downloaded as before and the import copy is left.
    @Test func aNewerObjectThanTheImportCopyIsDownloaded() throws {
        let harness = harness()
        try store(harness, envelope(harness, serial: 7), age: 120, importCopy: true)
        let newest = try envelope(harness, serial: 8, aliceKeys: [])
        harness.s3?.script(.object(newest, etag: "\"e8\""))
        #expect(harness.run().lines.isEmpty)
        #expect(harness.s3?.requests == ["s3://fleet-bucket/aws-ec2-ssh/snapshot If-None-Match=\"e7\""])
        #expect(try harness.fs.readFile(KeyCommandHarness.ownFleetPath) == newest)
        #expect(
            try FleetSnapshotStore(path: KeyCommandHarness.importFleetPath, owner: nil, fileSystem: harness.fs)
                .loadState()?.serial == 7)
    }

    @Test func usersTheSnapshotDoesNotAuthorizeGetNothing() throws {
        let harness = harness()
        var alice = FleetWorld.user("alice", keys: [TestKeys.ed25519])
        alice.id = "AIDAOTHERPERSON"
        try store(
            harness,
            FleetWorld.envelope(FleetWorld.snapshot(serial: 5, generated: harness.clock.now(), users: [alice])), age: 1)
        #expect(harness.run().lines.isEmpty, "another IAM UserId under the same name")
        #expect(harness.run("bob.plus.admin").lines.isEmpty, "not in the snapshot")
        #expect(harness.run("carol").lines.isEmpty, "not managed")

        let grouped = self.harness()
        grouped.authorizedGroups = ["admins"]
        try store(grouped, envelope(grouped, serial: 5), age: 1)
        #expect(grouped.run().lines.isEmpty, "alice is in ssh, not admins")
        grouped.authorizedGroups = ["ssh"]
        #expect(grouped.run().lines == [TestKeys.ed25519])
    }
}
