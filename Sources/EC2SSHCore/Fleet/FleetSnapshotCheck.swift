#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// The reader's verification policy for a fetched fleet envelope: pure, so every verdict is tested without S3.
///
/// In this order: the envelope header; the signature over the manifest bytes (or the unsigned policy); the
/// manifest's format; its bucket and key against the configured location; the length and SHA-256 of the snapshot
/// bytes; rollback and equivocation against the last applied mark; freshness; then the snapshot is decoded and its
/// serial and generation time must equal the manifest's. Nothing untrusted is parsed before the signature passed,
/// except the header that carries it.
///
/// SHA-256 comes in as a function (`AWSCore.Digest.sha256` in the tools) so the core needs no C library.
public struct FleetSnapshotCheck: Sendable {
    /// The configured SNAPSHOT_URL's bucket.
    public var bucket: String
    /// The configured SNAPSHOT_URL's key.
    public var key: String
    /// The pinned key; `nil` only when unsigned snapshots are allowed.
    public var verifier: (any FleetSignatureVerifying)?
    /// SNAPSHOT_ALLOW_UNSIGNED: accept an envelope with signature `-` (testing only).
    public var allowUnsigned: Bool
    /// SNAPSHOT_MAX_AGE in seconds: an older snapshot is `.stale`.
    public var maximumAge: TimeInterval
    /// The SHA-256 function.
    public var sha256: @Sendable ([UInt8]) -> [UInt8]

    /// A check with the given policy.
    public init(
        bucket: String, key: String, verifier: (any FleetSignatureVerifying)?, allowUnsigned: Bool,
        maximumAge: TimeInterval, sha256: @escaping @Sendable ([UInt8]) -> [UInt8]
    ) {
        self.bucket = bucket
        self.key = key
        self.verifier = verifier
        self.allowUnsigned = allowUnsigned
        self.maximumAge = maximumAge
        self.sha256 = sha256
    }

    /// An envelope whose signature, location and digest passed (its snapshot not decoded).
    public struct Verified: Sendable, Equatable {
        /// The verified manifest.
        public var manifest: FleetManifest
        /// Where the snapshot bytes start in the envelope.
        public var snapshotOffset: Int
        /// Whether it was signed (`false` only when unsigned snapshots are allowed).
        public var signed: Bool
    }

    /// The verdict on `envelope`, judged against `lastApplied` (nil when this host never applied one) at `now`.
    public func check(_ envelope: [UInt8], lastApplied: FleetSnapshotMark?, now: Date) -> FleetSnapshotVerdict {
        envelope.withUnsafeBufferPointer { buffer in
            let verified: Verified
            switch verify(buffer) {
            case .failure(let refusal): return .refused(refusal)
            case .success(let value): verified = value
            }
            let manifest = verified.manifest
            if let lastApplied {
                if manifest.serial < lastApplied.serial {
                    return .refused(.rollback(serial: manifest.serial, lastApplied: lastApplied.serial))
                }
                if manifest.serial == lastApplied.serial && manifest.sha256 != lastApplied.sha256 {
                    return .refused(.equivocation(serial: manifest.serial))
                }
            }
            let age = self.age(of: manifest, now: now)
            if lastApplied == FleetSnapshotMark(manifest) && age <= maximumAge { return .unchanged }
            let snapshot: FleetSnapshot
            do {
                snapshot = try FleetSnapshotCodec.decode(
                    UnsafeBufferPointer(rebasing: buffer[verified.snapshotOffset...]))
            } catch {
                return .refused(.malformed("\(error)"))
            }
            guard snapshot.serial == manifest.serial, snapshot.generated == manifest.generated else {
                return .refused(
                    .malformed(
                        "the snapshot's serial \(snapshot.serial) or generation time differs from the signed "
                            + "manifest's serial \(manifest.serial)"))
            }
            return age > maximumAge ? .stale(snapshot, manifest, age: age) : .apply(snapshot, manifest)
        }
    }

    /// How long ago `manifest` was generated, in seconds (0 for a generation time in the future).
    public func age(of manifest: FleetManifest, now: Date) -> TimeInterval {
        max(0, now.timeIntervalSince(manifest.generated))
    }

    /// Checks header, signature, manifest, location, length and digest of `envelope` without decoding the
    /// snapshot: what the key command does before looking one user up in a stored copy.
    public func verify(_ envelope: UnsafeBufferPointer<UInt8>) -> Result<Verified, FleetRefusal> {
        let header: FleetEnvelope.Header
        do {
            header = try FleetEnvelope.header(of: envelope)
        } catch {
            return .failure(.malformed(error.description))
        }
        if let signature = header.signature, let verifier {
            guard verifier.isValidSignature(signature, for: header.manifestBytes) else {
                return .failure(.badSignature)
            }
        } else if !allowUnsigned {
            return .failure(header.signature == nil ? .unsignedNotAllowed : .noPublicKey)
        }
        let manifest: FleetManifest
        do {
            manifest = try FleetManifest.decode(header.manifestBytes)
        } catch {
            return .failure(.malformed(error.description))
        }
        guard manifest.bucket == bucket, manifest.key == key else {
            return .failure(
                .wrongLocation(bucket: manifest.bucket, key: manifest.key, expectedBucket: bucket, expectedKey: key))
        }
        let snapshot = envelope[(envelope.startIndex + header.snapshotOffset)...]
        guard UInt64(snapshot.count) == manifest.length else {
            return .failure(.digestMismatch("\(snapshot.count) bytes, the manifest says \(manifest.length)"))
        }
        let digest = sha256(Array(snapshot))
        guard digest == manifest.sha256 else {
            return .failure(
                .digestMismatch("SHA-256 \(FleetHex.encode(digest)), the manifest says \(manifest.sha256Hex)"))
        }
        return .success(
            Verified(
                manifest: manifest, snapshotOffset: header.snapshotOffset,
                signed: header.signature != nil && verifier != nil))
    }
}
