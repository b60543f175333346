/// The fleet snapshot's public key as the installer pins it: one PEM `PUBLIC KEY` block of a P-256 key.
///
/// A shape check without cryptography: the PEM armour, its base64, and the two object identifiers of a
/// SubjectPublicKeyInfo for an elliptic-curve key on prime256v1 (the key spec `ECC_NIST_P256` of a KMS key). The
/// signature check itself happens in the tools, on every snapshot.
public enum SnapshotKeyFile {
    /// DER of the OID 1.2.840.10045.2.1 (id-ecPublicKey).
    static let ecPublicKeyOID: [UInt8] = [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]
    /// DER of the OID 1.2.840.10045.3.1.7 (prime256v1, NIST P-256).
    static let prime256v1OID: [UInt8] = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
    /// The longest file accepted: a P-256 SubjectPublicKeyInfo is 91 bytes, about 180 in PEM.
    static let sizeLimit = 4096

    /// The normalised PEM text (armour lines, 64-column base64, final newline) of `text`, read from `path`.
    ///
    /// Throws `EC2SSHError.invalidSetup` naming `path` and what to do when it is not one P-256 public key in PEM.
    public static func normalised(_ text: String, path: String) throws -> String {
        func refuse(_ why: String) -> EC2SSHError {
            .invalidSetup(
                path: path,
                message: "\(why); --snapshot-public-key needs the KMS key's public key in PEM, for example from"
                    + " `import_users publish --print-public-key` on the publisher or `aws kms get-public-key"
                    + " --key-id KEY --query PublicKey --output text | base64 -d | openssl pkey -pubin -inform DER`")
        }
        guard text.utf8.count <= sizeLimit else { throw refuse("the file is larger than \(sizeLimit) bytes") }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingBlanks }.filter { !$0.isEmpty }
        guard lines.first == "-----BEGIN PUBLIC KEY-----", lines.last == "-----END PUBLIC KEY-----", lines.count > 2,
            !lines.dropFirst().dropLast().contains(where: { $0.hasPrefix("-----") })
        else {
            throw refuse("it is not one PEM block between -----BEGIN PUBLIC KEY----- and -----END PUBLIC KEY-----")
        }
        let body = lines.dropFirst().dropLast().joined()
        guard let der = Base64.decode(body), !der.isEmpty else { throw refuse("its body is not valid base64") }
        guard der.first == 0x30, contains(der, ecPublicKeyOID) else {
            throw refuse("it is not an elliptic-curve public key (SubjectPublicKeyInfo with id-ecPublicKey)")
        }
        guard contains(der, prime256v1OID) else {
            throw refuse("its curve is not NIST P-256 (the KMS key spec must be ECC_NIST_P256)")
        }
        let encoded = Base64.encode(der)
        var pem = "-----BEGIN PUBLIC KEY-----\n"
        var rest = Substring(encoded)
        while !rest.isEmpty {
            pem += rest.prefix(64) + "\n"
            rest = rest.dropFirst(64)
        }
        return pem + "-----END PUBLIC KEY-----\n"
    }

    /// Whether `bytes` contains `needle` as a contiguous run.
    static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { start in
            bytes[start..<(start + needle.count)].elementsEqual(needle)
        }
    }
}

extension Substring {
    /// The text without leading and trailing blanks and carriage returns.
    fileprivate var trimmingBlanks: String {
        var text = self
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text.removeLast() }
        return String(text)
    }
}
