/// The `application/x-www-form-urlencoded` body of an AWS Query request.
///
/// Names and values are percent-encoded per RFC 3986: every byte except `A-Z a-z 0-9 - _ . ~` becomes `%XX`
/// (so `+`, `=`, `&` and non-ASCII UTF-8 bytes are escaped), except that a space is written `+` as HTML forms and
/// the AWS SDKs do. AWS hashes the body bytes as sent and accepts either spelling; moto re-encodes the parsed form
/// with `+` before checking the signature, so `%20` would fail there.
public enum FormEncoding {
    /// Joins `pairs` as `name=value&name=value` in the given order.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes every byte of `text` except the RFC 3986 unreserved characters; a space becomes `+`.
    public static func percentEncode(_ text: String) -> String {
        SigV4URL.uriEncode(text).replacing("%20", with: "+")
    }

    /// Decodes a form body back into its pairs (for tests and diagnostics); `+` decodes to a space.
    public static func decode(_ body: String) -> [(String, String)] {
        func decoded(_ text: Substring) -> String {
            String(decoding: SigV4URL.percentDecode(Substring(String(text).replacing("+", with: " "))), as: UTF8.self)
        }
        return body.split(separator: "&", omittingEmptySubsequences: true).map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decoded(parts[0]), parts.count > 1 ? decoded(parts[1]) : "")
        }
    }
}
