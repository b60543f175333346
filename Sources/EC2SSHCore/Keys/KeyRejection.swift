/// Why an SSH public key body from IAM was refused by `AuthorizedKeyLine.validate`.
public enum KeyRejection: Error, Equatable, Sendable, CustomStringConvertible {
    /// The body is empty or only blanks.
    case empty
    /// The body is longer than `AuthorizedKeyLine.maximumLength` bytes.
    case tooLong(bytes: Int)
    /// The body holds a line break, which could smuggle a second key line to sshd.
    case multipleLines
    /// The body holds a NUL byte.
    case nulCharacter
    /// The line starts with authorized_keys options (for example `command="..."`), which are never passed on.
    case optionsPrefix
    /// The key type is not in `AuthorizedKeyLine.allowedTypes`.
    case unsupportedType(String)
    /// The line has a type but no base64 key data after it.
    case missingKeyData
    /// The key data is not canonical padded base64.
    case invalidBase64
    /// The type named on the line differs from the type inside the key data.
    case typeMismatch(declared: String, inBlob: String)
    /// The key data does not have the structure its type requires.
    case malformedBlob(String)
    /// An RSA modulus below `AuthorizedKeyLine.minimumRSABits` bits.
    case rsaKeyTooSmall(bits: Int)

    /// A short explanation suitable for a log line.
    public var description: String {
        switch self {
        case .empty: return "the key body is empty"
        case .tooLong(let bytes):
            return "the key body is \(bytes) bytes long, more than \(AuthorizedKeyLine.maximumLength)"
        case .multipleLines: return "the key body contains a line break"
        case .nulCharacter: return "the key body contains a NUL character"
        case .optionsPrefix: return "the key line starts with authorized_keys options, which are not allowed"
        case .unsupportedType(let type): return "the key type '\(Self.printable(type))' is not allowed"
        case .missingKeyData: return "the key line has no key data after its type"
        case .invalidBase64: return "the key data is not valid base64"
        case .typeMismatch(let declared, let inBlob):
            return "the line says '\(declared)' but the key data is of type '\(Self.printable(inBlob))'"
        case .malformedBlob(let reason): return "the key data is malformed: \(reason)"
        case .rsaKeyTooSmall(let bits):
            return "the RSA key has \(bits) bits, fewer than \(AuthorizedKeyLine.minimumRSABits)"
        }
    }

    private static func printable(_ text: String) -> String {
        let limited = text.unicodeScalars.prefix(64).map { scalar in
            scalar.value >= 0x20 && scalar.value < 0x7F ? Character(scalar) : "?"
        }
        return String(limited)
    }
}
