import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct FleetSnapshotCheckTests {
    static let now = FleetFixtures.generated.addingTimeInterval(60)

    @Test func aGoodEnvelopeIsApplied() throws {
        let verdict = FleetFixtures.check().check(try FleetFixtures.envelope(), lastApplied: nil, now: Self.now)
        guard case .apply(let snapshot, let manifest) = verdict else {
            Issue.record("verdict \(verdict)")
            return
        }
        #expect(snapshot == FleetFixtures.snapshot())
        #expect(manifest.serial == 42 && manifest.bucket == "fleet-bucket")
    }

    @Test func theSameSnapshotAgainIsUnchanged() throws {
        let envelope = try FleetFixtures.envelope()
        let mark = FleetSnapshotMark(
            serial: 42, sha256: FleetFixtures.digest(try FleetSnapshotCodec.encode(FleetFixtures.snapshot())))
        #expect(FleetFixtures.check().check(envelope, lastApplied: mark, now: Self.now) == .unchanged)
        let newer = FleetSnapshotMark(serial: 41, sha256: [])
        guard case .apply = FleetFixtures.check().check(envelope, lastApplied: newer, now: Self.now) else {
            Issue.record("a higher serial is applied")
            return
        }
    }

    @Test func anOldSnapshotIsStaleEvenWhenUnchanged() throws {
        let envelope = try FleetFixtures.envelope()
        let later = FleetFixtures.generated.addingTimeInterval(3601)
        let mark = FleetSnapshotMark(
            serial: 42, sha256: FleetFixtures.digest(try FleetSnapshotCodec.encode(FleetFixtures.snapshot())))
        for last in [nil, mark] {
            guard
                case .stale(let snapshot, _, let age) = FleetFixtures.check().check(
                    envelope, lastApplied: last, now: later)
            else {
                Issue.record("not stale")
                return
            }
            #expect(age == 3601)
            #expect(snapshot.serial == 42)
        }
        guard case .apply = FleetFixtures.check().check(envelope, lastApplied: nil, now: later.addingTimeInterval(-1))
        else {
            Issue.record("exactly the maximum age is still fresh")
            return
        }
    }

    @Test func aFutureGenerationTimeHasAgeZero() throws {
        let verdict = FleetFixtures.check().check(
            try FleetFixtures.envelope(), lastApplied: nil, now: FleetFixtures.generated.addingTimeInterval(-600))
        guard case .apply = verdict else {
            Issue.record("verdict \(verdict)")
            return
        }
    }

    /// (label, envelope, check, last applied, the refusal).
    static func refusals() throws -> [(String, [UInt8], FleetSnapshotCheck, FleetSnapshotMark?, FleetRefusal)] {
        let good = try FleetFixtures.envelope()
        let check = FleetFixtures.check()
        let digest = FleetFixtures.digest(try FleetSnapshotCodec.encode(FleetFixtures.snapshot()))
        var tampered = good
        tampered[tampered.count - 10] ^= 0x01
        var truncated = good
        truncated.removeLast(5)
        var inconsistent = FleetFixtures.snapshot()
        inconsistent.serial = 43
        let inconsistentBytes = try FleetSnapshotCodec.encode(inconsistent)
        let lyingManifest = try FleetManifest(
            serial: 42, generated: FleetFixtures.generated, bucket: "fleet-bucket", key: "aws-ec2-ssh/snapshot",
            length: UInt64(inconsistentBytes.count), sha256: FleetFixtures.digest(inconsistentBytes)
        ).encoded()
        let lying = FleetEnvelope(
            manifestBytes: lyingManifest, signature: FleetFixtures.pinned.sign(lyingManifest),
            snapshot: inconsistentBytes
        ).encoded()
        var manifestTampered = try FleetEnvelope.decode(good)
        manifestTampered.manifestBytes[20] ^= 0x01
        return [
            ("another key", try FleetFixtures.envelope(signer: FleetFixtures.other), check, nil, .badSignature),
            ("tampered manifest", manifestTampered.encoded(), check, nil, .badSignature),
            ("unsigned", try FleetFixtures.envelope(signer: nil), check, nil, .unsignedNotAllowed),
            (
                "signed but no key", good, FleetFixtures.check(verifier: nil), nil, .noPublicKey
            ),
            (
                "other bucket", try FleetFixtures.envelope(bucket: "other"), check, nil,
                .wrongLocation(
                    bucket: "other", key: "aws-ec2-ssh/snapshot", expectedBucket: "fleet-bucket",
                    expectedKey: "aws-ec2-ssh/snapshot")
            ),
            (
                "other key", try FleetFixtures.envelope(key: "staging/snapshot"), check, nil,
                .wrongLocation(
                    bucket: "fleet-bucket", key: "staging/snapshot", expectedBucket: "fleet-bucket",
                    expectedKey: "aws-ec2-ssh/snapshot")
            ),
            ("one snapshot byte changed", tampered, check, nil, .digestMismatch("")),
            ("truncated snapshot", truncated, check, nil, .digestMismatch("")),
            (
                "rollback", good, check, FleetSnapshotMark(serial: 43, sha256: digest),
                .rollback(serial: 42, lastApplied: 43)
            ),
            (
                "equivocation", good, check, FleetSnapshotMark(serial: 42, sha256: Array(repeating: 0, count: 32)),
                .equivocation(serial: 42)
            ),
            ("snapshot disagrees with manifest", lying, check, nil, .malformed("")),
            ("truncated header", Array(good.prefix(30)), check, nil, .malformed("")),
        ]
    }

    @Test func everyRefusal() throws {
        for (label, envelope, check, last, expected) in try Self.refusals() {
            let verdict = check.check(envelope, lastApplied: last, now: Self.now)
            guard case .refused(let refusal) = verdict else {
                Issue.record("\(label): \(verdict)")
                continue
            }
            switch (refusal, expected) {
            case (.digestMismatch, .digestMismatch), (.malformed, .malformed): break
            default: #expect(refusal == expected, "\(label)")
            }
            #expect(!refusal.description.isEmpty)
        }
    }

    @Test func unsignedIsAcceptedOnlyWhenAllowed() throws {
        let unsigned = try FleetFixtures.envelope(signer: nil)
        for verifier in [nil, FleetFixtures.pinned] as [FleetFixtures.Signer?] {
            let check = FleetFixtures.check(verifier: verifier, allowUnsigned: true)
            guard case .apply = check.check(unsigned, lastApplied: nil, now: Self.now) else {
                Issue.record("unsigned refused although allowed")
                return
            }
            let verified = unsigned.withUnsafeBufferPointer { check.verify($0) }
            #expect((try? verified.get())?.signed == false)
        }
        // Allowing unsigned never lets a wrong signature through.
        let forged = try FleetFixtures.envelope(signer: FleetFixtures.other)
        let lenient = FleetFixtures.check(allowUnsigned: true)
        #expect(lenient.check(forged, lastApplied: nil, now: Self.now) == .refused(.badSignature))
    }

    @Test func verifyDoesNotDecodeTheSnapshot() throws {
        // A verified envelope whose snapshot is not in the format: verify passes (digest and signature hold),
        // check refuses it as malformed.
        let bytes = Array("not a snapshot\n".utf8)
        let manifest = try FleetManifest(
            serial: 1, generated: FleetFixtures.generated, bucket: "fleet-bucket", key: "aws-ec2-ssh/snapshot",
            length: UInt64(bytes.count), sha256: FleetFixtures.digest(bytes)
        ).encoded()
        let envelope = FleetEnvelope(
            manifestBytes: manifest, signature: FleetFixtures.pinned.sign(manifest), snapshot: bytes
        )
        .encoded()
        let check = FleetFixtures.check()
        let verified = try envelope.withUnsafeBufferPointer { try check.verify($0).get() }
        #expect(Array(envelope[verified.snapshotOffset...]) == bytes)
        #expect(verified.signed)
        guard case .refused(.malformed) = check.check(envelope, lastApplied: nil, now: Self.now) else {
            Issue.record("a malformed snapshot was not refused")
            return
        }
    }
}
