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

/// What the publisher puts is what a reader accepts: `FleetSnapshotCheck` (the readers' verification policy) applies
/// each published object, and a re-signed one is newer, not a rollback or an equivocation.
@Suite struct ReaderCheckInteropTests {
    /// The fake KMS key's verifier, as the core's protocol.
    struct Verifier: FleetSignatureVerifying {
        let fake: FakeSignatureVerifier
        func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
            fake.isValidSignature(signature, for: message)
        }
    }

    @Test func aReaderAppliesEveryPublishedSnapshotInOrder() throws {
        let world = PublisherWorld()
        world.storage.declareEmpty(PublisherWorld.location)
        let check = FleetSnapshotCheck(
            bucket: PublisherWorld.location.bucket, key: PublisherWorld.location.key,
            verifier: Verifier(fake: FakeSignatureVerifier(der: world.kms.publicKeyDER)), allowUnsigned: false,
            maximumAge: 3600, sha256: { Digest.sha256($0) })

        _ = try world.run()
        let first = try #require(world.storage.object(at: PublisherWorld.location)).body
        guard case .apply(let snapshot, let manifest) = check.check(first, lastApplied: nil, now: world.clock.now())
        else {
            Issue.record(
                "a reader refused the first snapshot: \(check.check(first, lastApplied: nil, now: world.clock.now()))")
            return
        }
        #expect(snapshot.users.map(\.name) == ["alice", "bob", "carol"])

        world.clock.advance(by: 900)
        _ = try world.run()
        let second = try #require(world.storage.object(at: PublisherWorld.location)).body
        let verdict = check.check(second, lastApplied: FleetSnapshotMark(manifest), now: world.clock.now())
        guard case .apply(_, let newer) = verdict else {
            Issue.record("a reader refused the re-signed snapshot: \(verdict)")
            return
        }
        #expect(newer.serial == manifest.serial + 1)
        #expect(check.check(second, lastApplied: FleetSnapshotMark(newer), now: world.clock.now()) == .unchanged)
    }
}
