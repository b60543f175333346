/// Checks a signature over a manifest with the one pinned public key.
///
/// The core's own protocol, because EC2SSHCore depends on nothing: EC2SSHShared adapts AWSCore's
/// `SignatureVerifying` (`ECDSAP256PublicKey`, libcrypto) to it, and tests pass a fake. Same method, same meaning.
public protocol FleetSignatureVerifying: Sendable {
    /// Whether `signature` (DER ECDSA) is a valid signature of `message` by the pinned key.
    func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool
}

/// The serial and snapshot digest of the last snapshot a host applied: what rollback and equivocation are
/// judged against.
public struct FleetSnapshotMark: Sendable, Equatable, Hashable {
    /// The serial.
    public var serial: UInt64
    /// The SHA-256 of the snapshot bytes.
    public var sha256: [UInt8]

    /// A mark from its parts.
    public init(serial: UInt64, sha256: [UInt8]) {
        self.serial = serial
        self.sha256 = sha256
    }

    /// The mark of the snapshot `manifest` describes.
    public init(_ manifest: FleetManifest) {
        self.init(serial: manifest.serial, sha256: manifest.sha256)
    }
}
