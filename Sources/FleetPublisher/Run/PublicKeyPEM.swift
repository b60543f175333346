import EC2SSHCore

/// The PEM text of a DER SubjectPublicKeyInfo, as readers pin it (SNAPSHOT_PUBLIC_KEY).
public enum PublicKeyPEM {
    /// `der` as `-----BEGIN PUBLIC KEY-----`, standard base64 in lines of 64 characters, `-----END PUBLIC KEY-----`.
    public static func encode(_ der: [UInt8]) -> String {
        let base64 = Array(Base64.encode(der))
        var lines = ["-----BEGIN PUBLIC KEY-----"]
        var start = 0
        while start < base64.count {
            let end = min(start + 64, base64.count)
            lines.append(String(base64[start..<end]))
            start = end
        }
        lines.append("-----END PUBLIC KEY-----")
        return lines.joined(separator: "\n") + "\n"
    }
}
