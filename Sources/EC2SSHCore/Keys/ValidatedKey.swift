/// An SSH public key that passed `AuthorizedKeyLine.validate`, safe to print as one authorized_keys line.
public struct ValidatedKey: Equatable, Sendable {
    /// The key type, for example `ssh-ed25519`.
    public let type: String
    /// The key data as canonical base64, exactly as it appeared on the line.
    public let base64: String
    /// The decoded key data (the SSH wire-format public key blob).
    public let blob: [UInt8]
    /// The comment, kept only when it is printable ASCII; `nil` when absent or dropped.
    public let comment: String?
    /// The modulus size of an `ssh-rsa` key, `nil` for other types.
    public let rsaBits: Int?

    /// Creates a validated key; only `AuthorizedKeyLine.validate` should call this.
    init(type: String, base64: String, blob: [UInt8], comment: String?, rsaBits: Int?) {
        self.type = type
        self.base64 = base64
        self.blob = blob
        self.comment = comment
        self.rsaBits = rsaBits
    }

    /// The normalized line: `type base64`, then ` comment` when there is one; never a line break.
    public var line: String {
        if let comment {
            return "\(type) \(base64) \(comment)"
        }
        return "\(type) \(base64)"
    }

    /// Whether this is an RSA key shorter than `AuthorizedKeyLine.recommendedRSABits` bits (accepted, worth a warning).
    public var isWeak: Bool {
        guard let rsaBits else { return false }
        return rsaBits < AuthorizedKeyLine.recommendedRSABits
    }

    /// The OpenSSH fingerprint, `SHA256:` plus unpadded base64 of the SHA-256 of the blob, using `sha256`.
    public func fingerprint(sha256: ([UInt8]) -> [UInt8]) -> String {
        "SHA256:" + Base64.encode(sha256(blob), padding: false)
    }
}
