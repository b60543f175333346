public import AWSCore
public import EC2SSHCore

/// Adapts AWSCore's `SignatureVerifying` (`ECDSAP256PublicKey`, libcrypto) to the core's `FleetSignatureVerifying`,
/// which EC2SSHCore declares itself because it depends on nothing.
public struct FleetSignatureVerifier: FleetSignatureVerifying {
    /// The pinned key.
    public let key: any SignatureVerifying

    /// A verifier over `key`.
    public init(_ key: any SignatureVerifying) {
        self.key = key
    }

    /// Whether `signature` is a valid signature of `message` by `key`.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        key.isValidSignature(signature, for: message)
    }
}

extension FleetSnapshotCheck {
    /// The reader's check for `location` with the pinned `key` (nil only with `allowUnsigned`), SNAPSHOT_MAX_AGE
    /// `maximumAge` in seconds, and SHA-256 from libcrypto.
    public init(
        location: S3Location, key: (any SignatureVerifying)?, allowUnsigned: Bool, maximumAge: Int
    ) {
        self.init(
            bucket: location.bucket, key: location.key, verifier: key.map(FleetSignatureVerifier.init),
            allowUnsigned: allowUnsigned, maximumAge: Double(maximumAge), sha256: { Digest.sha256($0) })
    }
}
