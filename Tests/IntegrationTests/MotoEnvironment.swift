import AWSCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The moto server that `scripts/test` started and prepared (signature checking on), read from the environment.
struct MotoEnvironment: Sendable {
    /// Base URL, always `http://127.0.0.1:PORT`.
    let url: String
    /// The admin access key id created by `scripts/moto-bootstrap.py`.
    let accessKeyID: String
    /// The admin secret access key.
    let secretAccessKey: String
    /// A role with an allow-all policy that any principal may assume.
    let roleARN: String

    /// The environment, or `nil` when the integration layer is not configured.
    static let current: MotoEnvironment? = {
        guard let url = variable("EC2SSH_TEST_MOTO_URL"), url.hasPrefix("http://127.0.0.1:"),
            let key = variable("EC2SSH_TEST_ACCESS_KEY_ID"),
            let secret = variable("EC2SSH_TEST_SECRET_ACCESS_KEY"),
            let role = variable("EC2SSH_TEST_ROLE_ARN")
        else { return nil }
        return MotoEnvironment(url: url, accessKeyID: key, secretAccessKey: secret, roleARN: role)
    }()

    /// Whether integration tests can run.
    static var isAvailable: Bool { current != nil }

    /// Reads one process environment variable.
    static func variable(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// The environment dictionary the tools would see: every endpoint at moto, IMDS at moto, region set.
    func awsEnvironment(secret: String? = nil, accessKeyID: String? = nil) -> [String: String] {
        [
            "AWS_ACCESS_KEY_ID": accessKeyID ?? self.accessKeyID,
            "AWS_SECRET_ACCESS_KEY": secret ?? secretAccessKey,
            "AWS_ENDPOINT_URL": url,
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": url,
            "AWS_REGION": "eu-west-1",
        ]
    }

    /// A Query client for `service` built from real parts: libcurl, the credentials chain and the retrier.
    func queryClient(_ service: AWSService, environment: [String: String]? = nil) throws -> QueryClient {
        let env = environment ?? awsEnvironment()
        let endpoint = try EndpointResolver.resolve(service, region: "eu-west-1", environment: env)
        let version: String
        switch service {
        case .iam: version = "2010-05-08"
        case .sts: version = "2011-06-15"
        case .ec2: version = "2016-11-15"
        case .s3, .kms: throw AWSError.configuration(detail: "\(service) does not speak the Query protocol")
        }
        return QueryClient(
            endpoint: endpoint, apiVersion: version,
            credentials: EnvironmentCredentialsProvider(environment: env),
            transport: CurlTransport(environment: [:]),
            retry: Retrier(policy: RetryPolicy(), time: SystemTimeSource(), random: SystemRandomSource()),
            time: SystemTimeSource())
    }

    /// An S3 client built from real parts (libcurl, the credentials chain, the retrier), addressing path-style as
    /// it must behind an endpoint override; `owner` is sent as `x-amz-expected-bucket-owner`.
    func s3Client(environment: [String: String]? = nil, owner: String? = nil) throws -> S3Client {
        let env = environment ?? awsEnvironment()
        return S3Client(
            endpoint: try EndpointResolver.resolve(.s3, region: "eu-west-1", environment: env),
            expectedBucketOwner: owner, credentials: EnvironmentCredentialsProvider(environment: env),
            transport: CurlTransport(environment: [:]),
            retry: Retrier(policy: RetryPolicy(), time: SystemTimeSource(), random: SystemRandomSource()),
            time: SystemTimeSource())
    }

    /// A KMS client built from real parts.
    func kmsClient(environment: [String: String]? = nil) throws -> KMSClient {
        let env = environment ?? awsEnvironment()
        return KMSClient(
            endpoint: try EndpointResolver.resolve(.kms, region: "eu-west-1", environment: env),
            credentials: EnvironmentCredentialsProvider(environment: env), transport: CurlTransport(environment: [:]),
            retry: Retrier(policy: RetryPolicy(), time: SystemTimeSource(), random: SystemRandomSource()),
            time: SystemTimeSource())
    }

    /// A unique prefix so tests running in parallel against one moto never see each other's resources.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
    }
}
