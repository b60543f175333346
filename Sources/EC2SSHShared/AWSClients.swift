public import AWSCore

/// Builds the AWS clients of one run from real parts: libcurl, the standard credentials chain, IMDSv2, retries.
///
/// IAM is called with the ASSUMEROLE credentials when a role is configured (STS AssumeRole with the base chain,
/// cached in memory and in `credentialsStore`); EC2 and STS always use the base chain, that is the instance's own
/// identity. IAM is global, so a missing region only picks the aws partition; EC2 needs the region.
public struct AWSClients: Sendable {
    /// The environment the clients see: the process environment with the configuration file's AWS_* and proxy
    /// lines applied over it.
    public let environment: [String: String]
    /// The HTTP transport every client uses.
    public let transport: any HTTPTransport
    /// The instance metadata client, or `nil` when IMDS is disabled.
    public let imds: IMDSClient?
    /// The standard chain: environment, shared files, instance role.
    public let baseCredentials: any CredentialsProvider
    /// The credentials used for IAM: the assumed role when ASSUMEROLE is set, otherwise the base chain.
    public let iamCredentials: any CredentialsProvider
    private let files: any FileReading
    private let time: any TimeSource
    private let retry: any RetryExecuting
    private let timeouts: HTTPTimeouts

    /// Creates the clients; nothing is sent until an operation runs.
    ///
    /// - Parameters:
    ///   - assumeRoleARN: the ASSUMEROLE setting, empty or `nil` for none.
    ///   - sessionHost: names the host in the RoleSessionName when IMDS has no instance id (the hostname).
    ///   - credentialsStore: where assumed-role credentials persist between processes, if anywhere.
    ///   - instanceRoleStore: where the instance role's credentials persist between processes, if anywhere; it is
    ///     given the IMDS endpoint the credentials come from.
    public init(
        environment: [String: String], transport: any HTTPTransport, files: any FileReading,
        time: any TimeSource, retry: any RetryExecuting, timeouts: HTTPTimeouts = .api,
        assumeRoleARN: String?, sessionHost: String, credentialsStore: (any CredentialsStore)? = nil,
        instanceRoleStore: (@Sendable (_ imdsEndpoint: String) -> any CredentialsStore)? = nil
    ) {
        self.environment = environment
        self.transport = transport
        self.files = files
        self.time = time
        self.retry = retry
        self.timeouts = timeouts
        let imds = IMDSClient.fromEnvironment(environment, transport: transport, time: time)
        self.imds = imds
        let base = CredentialsChain.standard(
            environment: environment, files: files, imds: imds, time: time,
            instanceRoleStore: imds.flatMap { imds in instanceRoleStore.map { $0(imds.endpoint) } })
        self.baseCredentials = base
        if let roleARN = assumeRoleARN, !roleARN.isEmpty {
            let region = (try? RegionResolver(environment: environment, files: files, imds: imds).region())
            let stsEndpoint = AWSClients.endpoint(.sts, region: region ?? "us-east-1", environment: environment)
            let sts = stsEndpoint.map {
                STSClient(
                    query: QueryClient(
                        endpoint: $0, apiVersion: STSClient.apiVersion, credentials: base, transport: transport,
                        retry: retry, time: time, timeouts: timeouts))
            }
            let host = (try? imds?.instanceID()) ?? sessionHost
            self.iamCredentials = AssumeRoleCredentialsProvider(
                roleARN: roleARN, sessionName: AssumeRoleCredentialsProvider.sessionName(for: host),
                assumer: STSAssumer(sts: sts), time: time, store: credentialsStore)
        } else {
            self.iamCredentials = base
        }
    }

    /// The IAM client (global endpoint of the region's partition; aws when no region is known).
    public func iam() throws -> IAMClient {
        let region = (try? RegionResolver(environment: environment, files: files, imds: imds).region()) ?? "us-east-1"
        let endpoint = try EndpointResolver.resolve(.iam, region: region, environment: environment)
        return IAMClient(query: query(endpoint, IAMClient.apiVersion, iamCredentials))
    }

    /// The S3 client of the region (fleet readers: SNAPSHOT_URL), signed with the ASSUMEROLE credentials when set,
    /// else the host's own; `expectedBucketOwner` (SNAPSHOT_BUCKET_OWNER, empty for none) is sent on every request.
    public func s3(expectedBucketOwner: String) throws -> S3Client {
        let region = try RegionResolver(environment: environment, files: files, imds: imds).region()
        let endpoint = try EndpointResolver.resolve(.s3, region: region, environment: environment)
        return S3Client(
            endpoint: endpoint, expectedBucketOwner: expectedBucketOwner.isEmpty ? nil : expectedBucketOwner,
            credentials: iamCredentials, transport: transport, retry: retry, time: time, timeouts: timeouts)
    }

    /// The KMS client of the region (the fleet publisher's snapshot key), signed like `s3`: with the ASSUMEROLE
    /// credentials when set, else the host's own.
    public func kms() throws -> KMSClient {
        let region = try RegionResolver(environment: environment, files: files, imds: imds).region()
        let endpoint = try EndpointResolver.resolve(.kms, region: region, environment: environment)
        return KMSClient(
            endpoint: endpoint, credentials: iamCredentials, transport: transport, retry: retry, time: time,
            timeouts: timeouts)
    }

    /// The EC2 client of the instance's region, signed with the instance's own credentials.
    public func ec2() throws -> EC2Client {
        let region = try RegionResolver(environment: environment, files: files, imds: imds).region()
        let endpoint = try EndpointResolver.resolve(.ec2, region: region, environment: environment)
        return EC2Client(query: query(endpoint, EC2Client.apiVersion, baseCredentials))
    }

    private func query(
        _ endpoint: ServiceEndpoint, _ version: String, _ credentials: any CredentialsProvider
    ) -> QueryClient {
        QueryClient(
            endpoint: endpoint, apiVersion: version, credentials: credentials, transport: transport, retry: retry,
            time: time, timeouts: timeouts)
    }

    private static func endpoint(
        _ service: AWSService, region: String, environment: [String: String]
    ) -> Result<ServiceEndpoint, AWSError> {
        do {
            return .success(try EndpointResolver.resolve(service, region: region, environment: environment))
        } catch let error as AWSError {
            return .failure(error)
        } catch {
            return .failure(.configuration(detail: "\(error)"))
        }
    }
}

/// Assumes the ASSUMEROLE role through STS, or reports why the STS endpoint is unusable.
private struct STSAssumer: RoleAssuming {
    let sts: Result<STSClient, AWSError>

    func assumeRole(roleARN: String, sessionName: String) throws -> Credentials {
        try sts.get().assumeRole(roleARN: roleARN, sessionName: sessionName)
    }
}
