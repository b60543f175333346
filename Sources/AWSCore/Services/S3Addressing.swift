/// How S3 requests name the bucket: in the host name (virtual-hosted) or as the first path segment (path-style).
///
/// `automatic` (the default) uses virtual-hosted addressing (`https://BUCKET.s3.REGION.amazonaws.com/KEY`) on
/// AWS's own S3 endpoints when the bucket name is DNS-compatible and has no dot (a dot would break the TLS
/// wildcard certificate), and path-style (`BASE/BUCKET/KEY`) otherwise: for a bucket name with dots or capitals,
/// and for any endpoint that is not AWS's (an `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL` override such as moto,
/// MinIO or a VPC endpoint URL). `path` and `virtualHosted` force one style.
public enum S3AddressingStyle: String, Sendable, Equatable, CaseIterable {
    /// Virtual-hosted on AWS's endpoints for DNS-compatible names without dots; path-style otherwise.
    case automatic
    /// Always `BASE/BUCKET/KEY`.
    case path
    /// Always `https://BUCKET.HOST/KEY` (the bucket name must be DNS-compatible).
    case virtualHosted = "virtual"
}

/// Builds the URL of one S3 object from an endpoint, an addressing style and a location.
enum S3Addressing {
    /// The longest key S3 accepts, in UTF-8 bytes.
    static let maximumKeyBytes = 1_024

    /// The percent-encoded URL of `location` at `endpointURL` (no trailing slash), in `style`.
    ///
    /// Throws `AWSError.configuration` for a bucket or key S3 would not accept or that cannot be sent safely:
    /// an empty or overlong key, a key with `.` or `..` segments (HTTP clients collapse them), a bucket name with
    /// characters other than letters, digits, `.`, `-` and `_`, or a name that cannot be virtual-hosted when
    /// `virtualHosted` is forced.
    static func url(endpointURL: String, style: S3AddressingStyle, location: S3Location) throws -> String {
        try validate(location)
        let path = location.key.split(separator: "/", omittingEmptySubsequences: false)
            .map { SigV4URL.uriEncode(String($0)) }.joined(separator: "/")
        var base = Substring(endpointURL)
        while base.hasSuffix("/") { base = base.dropLast() }
        let virtual: Bool
        switch style {
        case .path: virtual = false
        case .automatic: virtual = isAWSEndpoint(String(base)) && isVirtualHostable(location.bucket)
        case .virtualHosted:
            guard isVirtualHostable(location.bucket) else {
                throw AWSError.configuration(
                    detail: "S3 bucket '\(location.bucket)' cannot be addressed virtual-hosted (it must be 3 to 63 "
                        + "lowercase letters, digits and dashes); use path-style addressing")
            }
            virtual = true
        }
        guard virtual else {
            return "\(base)/\(SigV4URL.uriEncode(location.bucket))/\(path)"
        }
        guard let schemeEnd = base.firstRange(of: "://") else {
            throw AWSError.configuration(detail: "S3 endpoint '\(endpointURL)' is not an absolute URL")
        }
        return "\(base[..<schemeEnd.upperBound])\(location.bucket).\(base[schemeEnd.upperBound...])/\(path)"
    }

    /// Throws `AWSError.configuration` for a bucket or key that S3 would refuse or that we cannot send safely.
    static func validate(_ location: S3Location) throws {
        let bucket = location.bucket
        let bucketOK =
            (1...255).contains(bucket.utf8.count)
            && bucket.utf8.allSatisfy {
                isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
            }
        guard bucketOK else {
            throw AWSError.configuration(
                detail: "S3 bucket name '\(bucket)' is not valid: a bucket name has 3 to 63 lowercase letters, "
                    + "digits, dots and dashes, as in s3://my-bucket/path/key")
        }
        let key = location.key
        guard !key.isEmpty, key.utf8.count <= maximumKeyBytes else {
            throw AWSError.configuration(
                detail: "S3 key of bucket '\(bucket)' must be 1 to \(maximumKeyBytes) bytes long, "
                    + "not \(key.utf8.count)")
        }
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        if segments.contains(where: { $0 == "." || $0 == ".." }) {
            throw AWSError.configuration(
                detail: "S3 key '\(key)' has a '.' or '..' path segment, which HTTP clients rewrite; rename the key")
        }
        if key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            throw AWSError.configuration(detail: "S3 key in bucket '\(bucket)' has control characters")
        }
    }

    /// Whether `bucket` can be the first label of a host name: 3 to 63 lowercase letters, digits and dashes,
    /// starting and ending with a letter or digit (no dots: they break TLS certificates and IP-like names).
    static func isVirtualHostable(_ bucket: String) -> Bool {
        let bytes = Array(bucket.utf8)
        guard (3...63).contains(bytes.count), let first = bytes.first, let last = bytes.last else { return false }
        let lowerOrDigit = { (byte: UInt8) in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        return lowerOrDigit(first) && lowerOrDigit(last)
            && bytes.allSatisfy { lowerOrDigit($0) || $0 == UInt8(ascii: "-") }
    }

    /// Whether `url` is one of AWS's own S3 endpoints: `https://s3.amazonaws.com`, `https://s3.REGION.amazonaws.com`
    /// or `https://s3.REGION.amazonaws.com.cn`, with no port and no path.
    static func isAWSEndpoint(_ url: String) -> Bool {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("https://") else { return false }
        let host = lowered.dropFirst("https://".count)
        guard !host.contains("/"), !host.contains(":"), host.hasPrefix("s3.") else { return false }
        return host.hasSuffix(".amazonaws.com") || host.hasSuffix(".amazonaws.com.cn")
    }

    /// Whether `byte` is an ASCII letter or digit.
    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
