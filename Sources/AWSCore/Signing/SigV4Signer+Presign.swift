#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// Query signing: a presigned URL carries the signature in `X-Amz-*` query parameters instead of headers.
extension SigV4Signer {
    /// The longest validity AWS accepts for a presigned URL: 7 days, in seconds.
    public static let maximumPresignExpiry = 604_800

    /// Returns `request` with a presigned URL valid for `expires` seconds from `date`.
    ///
    /// The headers of `request` (plus `Host` when missing) are signed and must be sent unchanged. Throws
    /// `AWSError.configuration` when `expires` is not within 1 to 604800 seconds or the URL is not absolute.
    public func presigned(_ request: HTTPRequest, date: Date, expires: Int) throws -> HTTPRequest {
        var request = try presigningRequest(request, date: date, expires: expires)
        let canonical = try canonicalRequest(request)
        let toSign = stringToSign(canonicalRequest: canonical.text, date: date)
        var extra: [(String, String)] = []
        if !signsSessionToken, let token = credentials.sessionToken {
            extra.append(("X-Amz-Security-Token", token))
        }
        extra.append(("X-Amz-Signature", signature(stringToSign: toSign, date: date)))
        request.url = SigV4Signer.appending(extra, to: request.url)
        return request
    }

    /// The presigned URL for `request`, valid for `expires` seconds from `date`; see `presigned(_:date:expires:)`.
    public func presignedURL(_ request: HTTPRequest, date: Date, expires: Int) throws -> String {
        try presigned(request, date: date, expires: expires).url
    }

    /// Stage 0 of query signing: `request` with `Host` added when missing and the `X-Amz-*` parameters except
    /// the signature appended to its URL, ready for `canonicalRequest`.
    ///
    /// Parameters, in order: `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-SignedHeaders`,
    /// `X-Amz-Expires` and, when the token is signed, `X-Amz-Security-Token`.
    public func presigningRequest(_ request: HTTPRequest, date: Date, expires: Int) throws -> HTTPRequest {
        guard (1...SigV4Signer.maximumPresignExpiry).contains(expires) else {
            throw AWSError.configuration(
                detail: "cannot presign URL: expiry \(expires) s is outside 1...\(SigV4Signer.maximumPresignExpiry) s")
        }
        var request = request
        request.headers.removeAll { $0.name.lowercased() == "authorization" }
        let parts = try SigV4URL(request.url, normalizePath: normalizesPath)
        if request.header("host") == nil {
            request.headers.insert(HTTPField("Host", parts.authority), at: 0)
        }
        var parameters: [(String, String)] = [
            ("X-Amz-Algorithm", SigV4Signer.algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(credentialScope(date: date))"),
            ("X-Amz-Date", SigV4Signer.timestamp(date)),
            ("X-Amz-SignedHeaders", SigV4Signer.canonicalHeaders(request.headers).signedHeaders),
            ("X-Amz-Expires", String(expires)),
        ]
        if signsSessionToken, let token = credentials.sessionToken {
            parameters.append(("X-Amz-Security-Token", token))
        }
        request.url = SigV4Signer.appending(parameters, to: request.url)
        return request
    }

    /// `url` with `parameters` URI-encoded and appended to its query.
    static func appending(_ parameters: [(String, String)], to url: String) -> String {
        let query = parameters.map { "\(SigV4URL.uriEncode($0.0))=\(SigV4URL.uriEncode($0.1))" }
            .joined(separator: "&")
        guard url.contains("?") else { return url + "?" + query }
        if url.hasSuffix("?") || url.hasSuffix("&") { return url + query }
        return url + "&" + query
    }
}
