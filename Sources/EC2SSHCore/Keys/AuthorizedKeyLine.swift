/// Validates an SSH public key body from IAM before it is printed to sshd as an authorized_keys line.
///
/// Accepted: exactly one line `type base64 [comment]` (one trailing newline is tolerated), no options prefix, a
/// type from `allowedTypes`, canonical padded base64 whose blob starts with the same type and has exactly the
/// structure of that type. RSA keys below `minimumRSABits` (1024, what current OpenSSH refuses) are rejected; RSA
/// keys below `recommendedRSABits` (2048) are accepted and flagged with `ValidatedKey.isWeak` so that the
/// caller can log a warning. A comment that is not printable ASCII is dropped, not rejected.
public enum AuthorizedKeyLine {
    /// The key types that may be printed.
    public static let allowedTypes: Set<String> = [
        "ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ]
    /// The longest body accepted, in bytes (the IAM limit for SSHPublicKeyBody).
    public static let maximumLength = 16_384
    /// RSA keys with fewer modulus bits are rejected.
    public static let minimumRSABits = 1024
    /// RSA keys with fewer modulus bits are accepted but flagged as weak.
    public static let recommendedRSABits = 2048
    /// RSA keys with more modulus bits are rejected (the OpenSSH maximum).
    public static let maximumRSABits = 16_384

    /// Checks `body` and returns the normalized key, or why it must not be printed.
    public static func validate(_ body: String) -> Result<ValidatedKey, KeyRejection> {
        var bytes = Array(body.utf8)
        if bytes.last == UInt8(ascii: "\n") {
            bytes.removeLast()
        }
        guard bytes.count <= maximumLength else { return .failure(.tooLong(bytes: bytes.count)) }
        if bytes.contains(0) {
            return .failure(.nulCharacter)
        }
        if bytes.contains(UInt8(ascii: "\n")) || bytes.contains(UInt8(ascii: "\r")) {
            return .failure(.multipleLines)
        }
        let fields = bytes.split(whereSeparator: isBlank)
        guard let typeField = fields.first else { return .failure(.empty) }
        let type = String(decoding: typeField, as: UTF8.self)
        guard allowedTypes.contains(type) else {
            let later = fields.dropFirst().map { String(decoding: $0, as: UTF8.self) }
            if later.contains(where: allowedTypes.contains) || typeField.contains(where: isOptionCharacter) {
                return .failure(.optionsPrefix)
            }
            return .failure(.unsupportedType(type))
        }
        guard fields.count >= 2 else { return .failure(.missingKeyData) }
        let base64 = String(decoding: fields[1], as: UTF8.self)
        guard let blob = Base64.decode(base64) else { return .failure(.invalidBase64) }
        let rsaBits: Int?
        switch checkBlob(blob, type: type) {
        case .success(let bits): rsaBits = bits
        case .failure(let rejection): return .failure(rejection)
        }
        let comment = fields.count > 2 ? commentText(bytes, after: fields[1].endIndex) : nil
        return .success(ValidatedKey(type: type, base64: base64, blob: blob, comment: comment, rsaBits: rsaBits))
    }

    /// Checks the blob structure for `type`; returns the RSA modulus size for `ssh-rsa`.
    static func checkBlob(_ blob: [UInt8], type: String) -> Result<Int?, KeyRejection> {
        var reader = SSHBlobReader(blob)
        do {
            let blobType = String(decoding: try reader.readString(), as: UTF8.self)
            guard blobType == type else { return .failure(.typeMismatch(declared: type, inBlob: blobType)) }
            var rsaBits: Int?
            switch type {
            case "ssh-rsa":
                _ = try reader.readPositiveMPIntBits()
                let bits = try reader.readPositiveMPIntBits()
                guard bits >= minimumRSABits else { return .failure(.rsaKeyTooSmall(bits: bits)) }
                guard bits <= maximumRSABits else {
                    return .failure(.malformedBlob("the RSA modulus has \(bits) bits, more than \(maximumRSABits)"))
                }
                rsaBits = bits
            case "ssh-ed25519", "sk-ssh-ed25519@openssh.com":
                guard try reader.readString().count == 32 else {
                    return .failure(.malformedBlob("an Ed25519 public key must be 32 bytes"))
                }
            default:
                let curve = String(type.split(separator: "-").last?.split(separator: "@").first ?? "")
                guard String(decoding: try reader.readString(), as: UTF8.self) == curve else {
                    return .failure(.malformedBlob("the curve name does not match \(type)"))
                }
                let point = try reader.readString()
                guard point.first == 0x04, point.count == ecdsaPointLength(curve) else {
                    return .failure(.malformedBlob("the public point is not an uncompressed \(curve) point"))
                }
            }
            if type.hasPrefix("sk-") {
                _ = try reader.readString()
            }
            guard reader.isAtEnd else { return .failure(.malformedBlob("unexpected bytes after the key")) }
            return .success(rsaBits)
        } catch {
            return .failure(.malformedBlob(error.reason))
        }
    }

    private static func ecdsaPointLength(_ curve: String) -> Int {
        switch curve {
        case "nistp256": return 65
        case "nistp384": return 97
        default: return 133
        }
    }

    private static func commentText(_ bytes: [UInt8], after index: Int) -> String? {
        let rest = bytes[index...].drop(while: isBlank)
        var end = rest.endIndex
        while end > rest.startIndex, isBlank(rest[end - 1]) {
            end -= 1
        }
        let comment = rest[rest.startIndex..<end]
        guard !comment.isEmpty, comment.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        return String(decoding: comment, as: UTF8.self)
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static func isOptionCharacter(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: ",")
    }
}
