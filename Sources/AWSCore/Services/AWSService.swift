/// The AWS services the tools call; the raw value is the SigV4 signing name and the endpoint prefix.
public enum AWSService: String, Sendable, CaseIterable {
    /// Identity and Access Management: a global service, one endpoint per partition.
    case iam
    /// Security Token Service, reached at its regional endpoint.
    case sts
    /// Elastic Compute Cloud, regional.
    case ec2
    /// Simple Storage Service, reached at its regional endpoint (fleet mode's snapshot object).
    case s3
    /// Key Management Service, regional (fleet mode's snapshot signing key).
    case kms

    /// The service-specific endpoint override variable, for example `AWS_ENDPOINT_URL_IAM`.
    public var endpointVariable: String { "AWS_ENDPOINT_URL_\(rawValue.uppercased())" }
}
