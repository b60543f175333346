public import AWSCore

/// `import_users publish --print-public-key`: the KMS key's public key as PEM, for pinning on readers.
public struct PublicKeyExport: Sendable {
    /// The KMS client.
    public let kms: any KMSSigning
    /// Checks that the DER is a key readers can use (an ECDSA P-256 SubjectPublicKeyInfo).
    public let makeVerifier: @Sendable ([UInt8]) throws -> any SignatureVerifying

    /// Creates the export over `kms`.
    public init(kms: any KMSSigning, makeVerifier: @escaping @Sendable ([UInt8]) throws -> any SignatureVerifying) {
        self.kms = kms
        self.makeVerifier = makeVerifier
    }

    /// The PEM of `keyID`'s public key; throws when KMS fails or the key is not ECC_NIST_P256.
    public func pem(keyID: String) throws(PublishError) -> String {
        let der: [UInt8]
        do {
            der = try kms.publicKey(keyID: keyID)
        } catch {
            throw .storage(
                operation: "kms:GetPublicKey", error: error as? AWSError ?? .malformedResponse(detail: "\(error)"))
        }
        do {
            _ = try makeVerifier(der)
        } catch {
            throw .configuration(
                detail: "the public key of SNAPSHOT_KMS_KEY_ID is not an ECC_NIST_P256 key (\(error)); create the key "
                    + "with KeySpec ECC_NIST_P256 and KeyUsage SIGN_VERIFY")
        }
        return PublicKeyPEM.encode(der)
    }
}
