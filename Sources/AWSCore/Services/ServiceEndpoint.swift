/// Where one AWS service is reached and how requests to it are signed.
public struct ServiceEndpoint: Sendable, Equatable {
    /// The base URL, for example `https://iam.amazonaws.com` (no trailing slash).
    public var url: String
    /// The region in the SigV4 credential scope, for example `us-east-1` for IAM in the aws partition.
    public var signingRegion: String
    /// The service name in the SigV4 credential scope: `iam`, `sts` or `ec2`.
    public var signingName: String

    /// Creates an endpoint.
    public init(url: String, signingRegion: String, signingName: String) {
        self.url = url
        self.signingRegion = signingRegion
        self.signingName = signingName
    }
}
