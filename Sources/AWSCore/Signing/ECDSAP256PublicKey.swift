import CCrypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A pinned ECDSA P-256 public key (KMS `ECC_NIST_P256`) that checks `ECDSA_SHA_256` signatures with libcrypto.
///
/// Made from a PEM `-----BEGIN PUBLIC KEY-----` block or from DER `SubjectPublicKeyInfo` (what KMS `GetPublicKey`
/// returns). Anything else is refused with `AWSError.configuration`: another key type (RSA, Ed25519), an EC key
/// on another curve or with explicit curve parameters, bytes after the key, broken base64 or DER, input over
/// `maximumInputBytes`. The key is kept as its DER bytes, so the value is `Sendable` and `Equatable`.
public struct ECDSAP256PublicKey: SignatureVerifying, Equatable {
    /// The key as DER `SubjectPublicKeyInfo`.
    public let der: [UInt8]

    /// The largest PEM or DER input accepted (a P-256 SubjectPublicKeyInfo is 91 bytes of DER).
    public static let maximumInputBytes = 16_384
    /// The PEM armour lines of a SubjectPublicKeyInfo.
    static let pemBegin = "-----BEGIN PUBLIC KEY-----"
    /// The PEM end line.
    static let pemEnd = "-----END PUBLIC KEY-----"

    /// A key from DER `SubjectPublicKeyInfo` bytes; throws `AWSError.configuration` saying why they are refused.
    public init(der: [UInt8]) throws {
        guard !der.isEmpty, der.count <= ECDSAP256PublicKey.maximumInputBytes else {
            throw AWSError.configuration(
                detail: "public key: \(der.count) bytes of DER; expected a SubjectPublicKeyInfo of at most "
                    + "\(ECDSAP256PublicKey.maximumInputBytes) bytes")
        }
        let check = der.withUnsafeBufferPointer { ccrypto_p256_public_key_check($0.baseAddress, $0.count) }
        switch Int(check) {
        case Int(CCRYPTO_KEY_OK):
            self.der = der
        case Int(CCRYPTO_KEY_TRAILING):
            throw AWSError.configuration(detail: "public key: bytes follow the DER SubjectPublicKeyInfo")
        case Int(CCRYPTO_KEY_NOT_EC):
            throw AWSError.configuration(
                detail: "public key: not an elliptic-curve key; the snapshot key must be a KMS ECC_NIST_P256 key")
        case Int(CCRYPTO_KEY_NOT_P256):
            throw AWSError.configuration(
                detail: "public key: an elliptic-curve key on another curve (or with explicit parameters); the "
                    + "snapshot key must be a KMS ECC_NIST_P256 (P-256, prime256v1) key")
        default:
            throw AWSError.configuration(detail: "public key: not a DER SubjectPublicKeyInfo")
        }
    }

    /// A key from the text of a PEM file holding one `-----BEGIN PUBLIC KEY-----` block (blank lines and text
    /// around it are ignored, as OpenSSL does); throws `AWSError.configuration` saying why it is refused.
    public init(pem: [UInt8]) throws {
        guard pem.count <= ECDSAP256PublicKey.maximumInputBytes else {
            throw AWSError.configuration(
                detail: "public key: the PEM text is \(pem.count) bytes, more than the "
                    + "\(ECDSAP256PublicKey.maximumInputBytes) a public key file can hold")
        }
        try self.init(der: ECDSAP256PublicKey.derFromPEM(String(decoding: pem, as: UTF8.self)))
    }

    /// A key from PEM text; see `init(pem:)` with bytes.
    public init(pem: String) throws {
        try self.init(pem: Array(pem.utf8))
    }

    /// The key as a PEM `PUBLIC KEY` block with 64-character lines, ending in a newline.
    public var pem: String {
        let base64 = Array(Data(der).base64EncodedString().utf8)
        var lines = [ECDSAP256PublicKey.pemBegin]
        var start = 0
        while start < base64.count {
            lines.append(String(decoding: base64[start..<min(start + 64, base64.count)], as: UTF8.self))
            start += 64
        }
        lines.append(ECDSAP256PublicKey.pemEnd)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Whether `signature` (DER ECDSA) is a valid signature over the SHA-256 of `message` by this key.
    ///
    /// Never throws and never crashes: empty, truncated, non-canonical or oversized signatures are simply invalid.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard !signature.isEmpty else { return false }
        let result = der.withUnsafeBufferPointer { key in
            signature.withUnsafeBufferPointer { sig in
                message.withUnsafeBufferPointer { msg in
                    ccrypto_p256_verify(
                        key.baseAddress, key.count, sig.baseAddress, sig.count, msg.baseAddress, msg.count)
                }
            }
        }
        return result == 1
    }

    /// The DER bytes inside the one `PUBLIC KEY` block of `text`.
    static func derFromPEM(_ text: String) throws -> [UInt8] {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { line in
                String(
                    line.drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed().drop {
                        $0 == " " || $0 == "\t" || $0 == "\r"
                    }.reversed())
            }
        let begins = lines.indices.filter { lines[$0].hasPrefix("-----BEGIN ") }
        guard begins.count == 1, let begin = begins.first else {
            throw AWSError.configuration(
                detail: begins.isEmpty
                    ? "public key: no '\(pemBegin)' line; expected a PEM SubjectPublicKeyInfo (as `aws kms "
                        + "get-public-key` gives, base64-decoded and wrapped in PEM armour)"
                    : "public key: \(begins.count) PEM blocks; expected exactly one '\(pemBegin)' block")
        }
        guard lines[begin] == pemBegin else {
            throw AWSError.configuration(
                detail: "public key: the PEM block is '\(QueryClient.excerpt(Array(lines[begin].utf8), limit: 60))', "
                    + "not '\(pemBegin)' (a SubjectPublicKeyInfo)")
        }
        guard let end = lines[(begin + 1)...].firstIndex(where: { $0.hasPrefix("-----END ") }), lines[end] == pemEnd
        else {
            throw AWSError.configuration(detail: "public key: the PEM block has no '\(pemEnd)' line")
        }
        let body = lines[(begin + 1)..<end].joined()
        guard !body.contains(":"), let data = Data(base64Encoded: body), !data.isEmpty else {
            throw AWSError.configuration(
                detail: "public key: the PEM block is not valid base64 (or has headers, which a public key has not)")
        }
        return Array(data)
    }
}
