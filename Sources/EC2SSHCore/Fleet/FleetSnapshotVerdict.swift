#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// What a reader does with a fetched envelope, as `FleetSnapshotCheck.check` decides.
public enum FleetSnapshotVerdict: Sendable, Equatable {
    /// Apply the snapshot: verified, for the configured location, not older than the last applied, fresh.
    case apply(FleetSnapshot, FleetManifest)
    /// The same serial and digest as the last applied snapshot, and still fresh: nothing new (not decoded).
    case unchanged
    /// Verified but generated more than the maximum age ago (`age` seconds): apply it as an INCOMPLETE read (no
    /// deletions, no new grants) and warn loudly; the publisher has stopped publishing or signing.
    case stale(FleetSnapshot, FleetManifest, age: TimeInterval)
    /// Refuse it: change nothing, keep the last verified copy, and say why.
    case refused(FleetRefusal)
}

/// Why a fleet envelope is refused; each message says what is wrong and what to look at.
public enum FleetRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The envelope, manifest or snapshot is not in the format (or its snapshot disagrees with its manifest).
    case malformed(String)
    /// The envelope is unsigned and SNAPSHOT_ALLOW_UNSIGNED is off.
    case unsignedNotAllowed
    /// No public key to check the signature with (and unsigned snapshots are not allowed).
    case noPublicKey
    /// The signature does not verify with the pinned key.
    case badSignature
    /// The manifest names another bucket or key than the configured SNAPSHOT_URL.
    case wrongLocation(bucket: String, key: String, expectedBucket: String, expectedKey: String)
    /// The snapshot bytes do not have the length or SHA-256 the signed manifest says.
    case digestMismatch(String)
    /// The serial is older than the last one applied.
    case rollback(serial: UInt64, lastApplied: UInt64)
    /// The serial equals the last one applied but the snapshot is different.
    case equivocation(serial: UInt64)

    /// One sentence: what, and what to do.
    public var description: String {
        switch self {
        case .malformed(let problem):
            return "the fleet snapshot is malformed: \(problem)"
        case .unsignedNotAllowed:
            return "the fleet snapshot is unsigned and SNAPSHOT_ALLOW_UNSIGNED is off; sign it with "
                + "SNAPSHOT_KMS_KEY_ID on the publisher"
        case .noPublicKey:
            return "no public key to verify the fleet snapshot with; install the KMS key's public key at "
                + "SNAPSHOT_PUBLIC_KEY"
        case .badSignature:
            return "the fleet snapshot's signature does not verify with the key at SNAPSHOT_PUBLIC_KEY (tampered, "
                + "or signed by another key)"
        case .wrongLocation(let bucket, let key, let expectedBucket, let expectedKey):
            return "the fleet snapshot was published for s3://\(bucket)/\(key), not for the configured "
                + "SNAPSHOT_URL s3://\(expectedBucket)/\(expectedKey) (copied from elsewhere)"
        case .digestMismatch(let problem):
            return "the fleet snapshot does not match its signed manifest (\(problem)): tampered or truncated"
        case .rollback(let serial, let last):
            return "the fleet snapshot has serial \(serial), older than serial \(last) applied before (rollback "
                + "refused; if the publisher's state was reset, publish a serial above \(last))"
        case .equivocation(let serial):
            return "the fleet snapshot has serial \(serial), the serial applied before, but different contents "
                + "(two publishers, or a replay of a forked snapshot); check the publishers"
        }
    }
}
