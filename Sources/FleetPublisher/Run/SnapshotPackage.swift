import AWSCore
import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The publisher's use of the fleet formats (`FleetSnapshotCodec`, `FleetManifest`, `FleetEnvelope`): the content
/// digest, the bytes to sign, the object to put, and the check of the object now in S3.
enum SnapshotPackage {
    /// The Content-Type of the object.
    static let contentType = FleetEnvelope.contentType

    /// A snapshot encoded with its manifest, ready to be signed.
    struct Prepared: Sendable, Equatable {
        /// The snapshot bytes.
        var snapshot: [UInt8]
        /// The manifest bytes (what KMS signs).
        var manifest: [UInt8]
        /// The SHA-256 of the snapshot bytes, lowercase hex.
        var sha256: String
        /// The length of the snapshot bytes.
        var snapshotLength: Int { snapshot.count }
    }

    /// The SHA-256 (hex) of `users` and `groups` alone: the snapshot's bytes with serial 0 and generation time 0,
    /// so two reads of the same directory give the same digest whenever they were made.
    static func contentSHA256(users: [FleetUser], groups: [FleetGroup]) throws(PublishError) -> String {
        let neutral = FleetSnapshot(serial: 0, generated: Date(timeIntervalSince1970: 0), users: users, groups: groups)
        return Digest.hex(Digest.sha256(try encode(neutral)))
    }

    /// The bytes of `snapshot` and of its manifest for `location`.
    static func prepare(_ snapshot: FleetSnapshot, location: S3Location) throws(PublishError) -> Prepared {
        let bytes = try encode(snapshot)
        let digest = Digest.sha256(bytes)
        let manifest = FleetManifest(
            snapshot: snapshot, bytes: bytes, sha256: digest, bucket: location.bucket, key: location.key)
        do {
            return Prepared(snapshot: bytes, manifest: try manifest.encoded(), sha256: Digest.hex(digest))
        } catch {
            throw .encoding(detail: "\(error)")
        }
    }

    /// The object: the envelope of `prepared` with `signature` (DER ECDSA over the manifest bytes).
    static func envelope(_ prepared: Prepared, signature: [UInt8]) -> [UInt8] {
        FleetEnvelope(manifestBytes: prepared.manifest, signature: signature, snapshot: prepared.snapshot).encoded()
    }

    /// What the object `body` in S3 is: its serial, generation time and content digest, and whether it verifies
    /// with `verifier` for `location` (signature over the manifest, bucket and key, length and SHA-256, the
    /// snapshot's serial and time equal to the manifest's).
    static func inspect(_ body: [UInt8], location: S3Location, verifier: (any SignatureVerifying)?) -> PublishedObject {
        let unusable = { (problem: String) in
            PublishedObject(
                serial: 0, generated: Date(timeIntervalSince1970: 0), contentSHA256: "", verified: false,
                problem: problem)
        }
        let envelope: FleetEnvelope
        let manifest: FleetManifest
        let snapshot: FleetSnapshot
        do {
            envelope = try FleetEnvelope.decode(body)
            manifest = try FleetManifest.decode(envelope.manifestBytes)
            snapshot = try FleetSnapshotCodec.decode(envelope.snapshot)
        } catch {
            return unusable("it is not a snapshot envelope: \(error)")
        }
        let content: String
        do {
            content = try contentSHA256(users: snapshot.users, groups: snapshot.groups)
        } catch {
            return unusable("\(error)")
        }
        var object = PublishedObject(
            serial: manifest.serial, generated: manifest.generated, contentSHA256: content, verified: false)
        if let problem = problem(envelope, manifest, snapshot, location: location, verifier: verifier) {
            object.problem = problem
        } else {
            object.verified = true
        }
        return object
    }

    /// Why a decoded object does not verify, or `nil` when it does.
    private static func problem(
        _ envelope: FleetEnvelope, _ manifest: FleetManifest, _ snapshot: FleetSnapshot, location: S3Location,
        verifier: (any SignatureVerifying)?
    ) -> String? {
        guard let verifier else { return "not checked: SNAPSHOT_KMS_KEY_ID is not set" }
        guard let signature = envelope.signature else { return "it is unsigned" }
        guard verifier.isValidSignature(signature, for: envelope.manifestBytes) else {
            return "its signature does not verify with the public key of SNAPSHOT_KMS_KEY_ID"
        }
        guard manifest.bucket == location.bucket, manifest.key == location.key else {
            return "its manifest names s3://\(manifest.bucket)/\(manifest.key)"
        }
        guard manifest.length == UInt64(envelope.snapshot.count), manifest.sha256 == Digest.sha256(envelope.snapshot)
        else {
            return "the snapshot's length or SHA-256 differs from its manifest's"
        }
        guard snapshot.serial == manifest.serial, snapshot.generated == manifest.generated else {
            return "the snapshot's serial or generation time differs from its manifest's"
        }
        return nil
    }

    private static func encode(_ snapshot: FleetSnapshot) throws(PublishError) -> [UInt8] {
        do {
            return try FleetSnapshotCodec.encode(snapshot)
        } catch {
            throw .encoding(detail: "\(error)")
        }
    }
}
