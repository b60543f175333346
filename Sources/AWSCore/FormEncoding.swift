/// The `application/x-www-form-urlencoded` body of an AWS Query request.
///
/// Names and values are percent-encoded per RFC 3986: every byte except `A-Z a-z 0-9 - _ . ~` becomes `%XX`,
/// so a space is `%20` (never `+`) and `+`, `=`, `&` and non-ASCII UTF-8 bytes are escaped too.
public enum FormEncoding {
    /// Joins `pairs` as `name=value&name=value` in the given order.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes every byte of `text` except the RFC 3986 unreserved characters.
    public static func percentEncode(_ text: String) -> String {
        SigV4URL.uriEncode(text)
    }

    /// Decodes a form body back into its pairs (for tests and diagnostics); `+` is kept as a literal plus.
    public static func decode(_ body: String) -> [(String, String)] {
        body.split(separator: "&", omittingEmptySubsequences: true).map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? SigV4URL.percentDecode(String(parts[1])) : ""
            return (SigV4URL.percentDecode(String(parts[0])), value)
        }
    }
}
