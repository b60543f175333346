import AWSCore
import EC2SSHCore
import EC2SSHSystem
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// import_users as a fleet reader (SNAPSHOT_URL): the snapshot replaces every IAM read; what the check refuses or
/// S3 failing changes nothing; a stale snapshot deletes and grants nothing.
@Suite struct ImportFleetReaderTests {
    static let config = "SNAPSHOT_URL=\"\(FleetWorld.url)\"\nSUDOERS_GROUPS=\"admins\"\n"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A world whose AWS fake fails any IAM read (none is scripted): reader mode must not make one.
    func world(_ replies: FakeS3.Reply...) -> ImportRunHarness {
        ImportRunHarness(host: FakeAccountHost(users: [("root", 0)]), s3: FakeS3(replies))
    }

    static func envelope(
        serial: UInt64, users: [String], age: TimeInterval = 10, signer: FleetWorld.Signer? = FleetWorld.pinned
    ) throws -> [UInt8] {
        let fleetUsers = users.map { FleetWorld.user($0, groups: $0 == "alice" ? ["admins"] : []) }
        return try FleetWorld.envelope(
            FleetWorld.snapshot(serial: serial, generated: now.addingTimeInterval(-age), users: fleetUsers),
            signer: signer)
    }

    func accounts(_ world: ImportRunHarness) -> [String] {
        world.host.host.users.keys.filter { $0 != "root" }.sorted()
    }

    @Test func appliesAVerifiedSnapshotWithoutAnyIAMCall() throws {
        let world = world(.object(try Self.envelope(serial: 5, users: ["alice", "bob"]), etag: "\"e5\""))
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(accounts(world) == ["alice", "bob"])
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-alice") != nil)
        #expect(world.aws.calls.isEmpty)
        #expect(world.s3?.requests == ["s3://fleet-bucket/aws-ec2-ssh/snapshot If-None-Match=-"])
        #expect(
            try world.fileSystem.readFile(ImportRunHarness.fleetPath)
                == Self.envelope(serial: 5, users: ["alice", "bob"]))
        let stateBytes = try #require(try world.fileSystem.readFile(ImportRunHarness.fleetPath + ".state"))
        let state = try FleetReaderState.decoded(stateBytes, path: "state")
        #expect(state.serial == 5 && state.etag == "\"e5\"" && state.checkedAt == Self.now)
    }

    @Test func aNotModifiedAnswerReappliesTheVerifiedCopy() throws {
        let world = world(.object(try Self.envelope(serial: 5, users: ["alice", "bob"]), etag: "\"e5\""), .notModified)
        #expect(try world.run(Self.config).exitCode == .ok)
        world.host.clearCommands()
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.host.commandLines.isEmpty)
        #expect(accounts(world) == ["alice", "bob"])
        #expect(world.s3?.requests.last == "s3://fleet-bucket/aws-ec2-ssh/snapshot If-None-Match=\"e5\"")
        #expect(world.aws.calls.isEmpty)
    }

    /// SKIP_UNCHANGED_RUNS on a fleet reader: with the same snapshot and nothing changed on the host, a run stops
    /// after reading the snapshot (also when a re-signed snapshot brings a new serial with the same content); new
    /// content, and the same snapshot once it is stale, make full runs again.
    @Test func anUnchangedSnapshotSkipsPlanningUntilItChangesOrGoesStale() throws {
        let world = world(
            .object(try Self.envelope(serial: 5, users: ["alice", "bob"]), etag: "\"e5\""), .notModified,
            .notModified, .object(try Self.envelope(serial: 6, users: ["alice", "bob"], age: 5), etag: "\"e6\""),
            .object(try Self.envelope(serial: 7, users: ["alice", "bob", "carol"], age: 5), etag: "\"e7\""),
            .notModified, .notModified)
        #expect(try world.run(Self.config).report != nil)
        let recording = try world.run(Self.config)
        #expect(recording.plan != nil && recording.report == nil)
        #expect(world.fileSystem.node(ImportRunHarness.unchangedPath) != nil)
        world.host.clearCommands()
        let skipped = try world.run(Self.config)
        #expect(skipped.exitCode == .ok && skipped.plan == nil)
        #expect(world.log.text.contains("planning skipped"))
        #expect(world.host.commandLines.isEmpty)
        let resigned = try world.run(Self.config)
        #expect(resigned.exitCode == .ok && resigned.plan == nil, "a new serial with the same content changes nothing")
        let newSerial = try world.run(Self.config)
        #expect(newSerial.exitCode == .ok && newSerial.report != nil, "new content is a full run")
        #expect(accounts(world) == ["alice", "bob", "carol"])
        _ = try world.run(Self.config)
        world.time.advance(by: 3600)
        let stale = try world.run(Self.config)
        #expect(stale.exitCode == .partial && stale.plan != nil, "a stale snapshot is a full, held run")
        #expect(world.log.text.contains("s old (SNAPSHOT_MAX_AGE=3600)"))
        #expect(world.aws.calls.isEmpty)
    }

    /// A refresh that fails (S3 down) after a record is a full run that exits 4, never the shortcut's 0.
    @Test func aFailedRefreshAfterARecordIsAFullRun() throws {
        let world = world(
            .object(try Self.envelope(serial: 5, users: ["alice", "bob"]), etag: "\"e5\""), .notModified,
            .failure(.transport(detail: "connect to 127.0.0.1:1 failed")))
        _ = try world.run(Self.config)
        _ = try world.run(Self.config)
        #expect(world.fileSystem.node(ImportRunHarness.unchangedPath) != nil)
        let failed = try world.run(Self.config)
        #expect(failed.exitCode == .partial && failed.plan != nil)
        #expect(!world.log.text.contains("planning skipped"))
    }

    /// (label, second object): each is refused, the run exits 4, and nothing changes.
    static func refused() throws -> [(String, FakeS3.Reply)] {
        var tampered = try envelope(serial: 6, users: ["alice"])
        tampered[tampered.count - 3] ^= 0x01
        return [
            ("one byte changed", .object(tampered, etag: "\"t\"")),
            ("older serial replayed", .object(try envelope(serial: 4, users: ["alice"]), etag: "\"r\"")),
            ("same serial, other contents", .object(try envelope(serial: 5, users: ["alice"]), etag: "\"q\"")),
            (
                "signed by another key",
                .object(try envelope(serial: 6, users: ["alice"], signer: FleetWorld.other), etag: "\"o\"")
            ),
            ("unsigned", .object(try envelope(serial: 6, users: ["alice"], signer: nil), etag: "\"u\"")),
            ("S3 down", .failure(.transport(detail: "connect to 127.0.0.1:1 failed"))),
            ("access denied", .failure(.service(code: "AccessDenied", message: "no", requestID: nil, status: 403))),
        ]
    }

    @Test func refusedSnapshotsAndS3FailuresChangeNothing() throws {
        for (label, reply) in try Self.refused() {
            let first = try Self.envelope(serial: 5, users: ["alice", "bob"])
            let world = world(.object(first, etag: "\"e5\""), reply)
            #expect(try world.run(Self.config).exitCode == .ok, "\(label)")
            world.host.clearCommands()
            #expect(try world.run(Self.config).exitCode == .partial, "\(label)")
            #expect(world.host.commandLines.isEmpty, "\(label): \(world.host.commandLines)")
            #expect(accounts(world) == ["alice", "bob"], "\(label)")
            #expect(try world.fileSystem.readFile(ImportRunHarness.fleetPath) == first, "\(label)")
            #expect(world.log.text.contains("fleet snapshot"), "\(label)")
            #expect(world.aws.calls.isEmpty, "\(label)")
        }
    }

    @Test func withoutAnyVerifiedCopyNothingHappens() throws {
        let world = world(.failure(.transport(detail: "connect failed")))
        #expect(try world.run(Self.config).exitCode == .aws)
        #expect(accounts(world).isEmpty)
        #expect(world.host.commandLines.isEmpty)
        let refused = self.world(
            .object(try Self.envelope(serial: 1, users: ["alice"], signer: FleetWorld.other), etag: "\"x\""))
        #expect(try refused.run(Self.config).exitCode == .aws)
        #expect(accounts(refused).isEmpty)
        #expect(try refused.fileSystem.readFile(ImportRunHarness.fleetPath) == nil)
    }

    @Test func aStaleSnapshotDeletesAndGrantsNothing() throws {
        let world = world(
            .object(try Self.envelope(serial: 5, users: ["alice", "bob"]), etag: "\"e5\""),
            .object(try Self.envelope(serial: 6, users: ["carol", "dave"], age: 7200), etag: "\"e6\""))
        #expect(try world.run(Self.config + "DELETE_AFTER_MISSING_RUNS=\"1\"\n").exitCode == .ok)
        world.host.clearCommands()
        #expect(try world.run(Self.config + "DELETE_AFTER_MISSING_RUNS=\"1\"\n").exitCode == .partial)
        #expect(world.host.commandLines.isEmpty, "\(world.host.commandLines)")
        #expect(accounts(world) == ["alice", "bob"])
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-alice") != nil)
        #expect(world.log.text.contains("is 7200 s old"))
        // The stale snapshot was verified and stored: a later rollback below serial 6 is refused.
        let stateBytes = try #require(try world.fileSystem.readFile(ImportRunHarness.fleetPath + ".state"))
        #expect(try FleetReaderState.decoded(stateBytes, path: "s").serial == 6)
    }
}
