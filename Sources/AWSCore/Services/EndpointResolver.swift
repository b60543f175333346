/// Finds the URL and SigV4 scope for IAM, STS, EC2, S3 and KMS in a region, honouring the standard endpoint
/// variables.
///
/// The service's own variable (`AWS_ENDPOINT_URL_IAM`, `_STS`, `_EC2`, `_S3`, `_KMS`) wins, then `AWS_ENDPOINT_URL`
/// (an empty value counts as unset; `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` ignores them all). Otherwise the
/// partition of the region decides: `cn-*` is aws-cn, `us-gov-*` is aws-us-gov, anything else is aws. IAM is
/// global: it is always signed with its partition's signing region, even behind an override URL.
public enum EndpointResolver {
    /// The generic endpoint override variable.
    public static let genericVariable = "AWS_ENDPOINT_URL"

    /// The endpoint of `service` for `region`, with overrides taken from `environment`.
    ///
    /// Throws `AWSError.configuration` for an empty or malformed region name, or for an override variable that
    /// is not an `http://` or `https://` URL; the message names the region or the variable.
    public static func resolve(
        _ service: AWSService, region: String, environment: [String: String]
    ) throws -> ServiceEndpoint {
        try validate(region: region)
        let partition = Partition(region: region)
        let signingRegion = service == .iam ? partition.iamSigningRegion : region
        if let url = try overrideURL(for: service, environment: environment) {
            return ServiceEndpoint(url: url, signingRegion: signingRegion, signingName: service.rawValue)
        }
        let url: String
        switch service {
        case .iam: url = partition.iamURL
        case .sts, .ec2, .s3, .kms: url = "https://\(service.rawValue).\(region).\(partition.dnsSuffix)"
        }
        return ServiceEndpoint(url: url, signingRegion: signingRegion, signingName: service.rawValue)
    }

    /// Checks that `region` looks like `us-east-1`: lowercase letters, digits and dashes, at least three parts,
    /// starting with letters and ending with a number (it becomes part of a host name).
    static func validate(region: String) throws {
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        let allowed = region.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
        let wellFormed =
            allowed && region.utf8.count <= 50 && parts.count >= 3 && parts.allSatisfy { !$0.isEmpty }
            && parts[0].allSatisfy { $0.isLetter } && parts[parts.count - 1].allSatisfy { $0.isNumber }
        guard wellFormed else {
            let shown = region.isEmpty ? "an empty region name" : "region '\(region)'"
            throw AWSError.configuration(
                detail: "\(shown) is not a valid AWS region (expected a name like us-east-1); "
                    + "set AWS_REGION or AWS_DEFAULT_REGION to the region of this instance")
        }
    }

    /// The validated override URL for `service`, without trailing slashes, or `nil` when none is set.
    static func overrideURL(for service: AWSService, environment: [String: String]) throws -> String? {
        if environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true" { return nil }
        for variable in [service.endpointVariable, genericVariable] {
            guard let value = environment[variable], !value.isEmpty else { continue }
            return try validatedURL(value, variable: variable)
        }
        return nil
    }

    /// `value` without trailing slashes when it is a usable `http://` or `https://` base URL.
    static func validatedURL(_ value: String, variable: String) throws -> String {
        func reject(_ why: String) -> AWSError {
            AWSError.configuration(
                detail: "\(variable)='\(value)' is not usable: \(why); set it to a base URL such as "
                    + "https://iam.amazonaws.com or http://127.0.0.1:5000, or unset it")
        }
        let lowered = value.lowercased()
        guard let scheme = ["http://", "https://"].first(where: { lowered.hasPrefix($0) }) else {
            throw reject("only http:// and https:// URLs are accepted")
        }
        if value.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }) {
            throw reject("it contains spaces or control characters")
        }
        if value.contains("?") || value.contains("#") || value.contains("@") {
            throw reject("a base URL has no query, fragment or user name")
        }
        var url = Substring(value)
        while url.hasSuffix("/") { url = url.dropLast() }
        let host = url.dropFirst(scheme.count).prefix { $0 != "/" }
        if host.isEmpty || host.hasPrefix(":") {
            throw reject("it has no host")
        }
        return String(url)
    }
}

/// An AWS partition: its DNS suffix and where its global IAM endpoint lives.
private enum Partition {
    case aws
    case awsCN
    case awsUSGov

    init(region: String) {
        if region.hasPrefix("cn-") {
            self = .awsCN
        } else if region.hasPrefix("us-gov-") {
            self = .awsUSGov
        } else {
            self = .aws
        }
    }

    var dnsSuffix: String {
        switch self {
        case .aws, .awsUSGov: return "amazonaws.com"
        case .awsCN: return "amazonaws.com.cn"
        }
    }

    var iamURL: String {
        switch self {
        case .aws: return "https://iam.amazonaws.com"
        case .awsCN: return "https://iam.cn-north-1.amazonaws.com.cn"
        case .awsUSGov: return "https://iam.us-gov.amazonaws.com"
        }
    }

    var iamSigningRegion: String {
        switch self {
        case .aws: return "us-east-1"
        case .awsCN: return "cn-north-1"
        case .awsUSGov: return "us-gov-west-1"
        }
    }
}
