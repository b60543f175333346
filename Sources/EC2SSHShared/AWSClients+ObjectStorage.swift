public import AWSCore

extension AWSClients {
    /// The S3 client of the region (AWS_ENDPOINT_URL_S3 honoured), signed with the base chain (never ASSUMEROLE),
    /// sending `x-amz-expected-bucket-owner` when `expectedBucketOwner` (SNAPSHOT_BUCKET_OWNER) is set.
    public func s3(expectedBucketOwner: String?) throws -> S3Client {
        let region = try RegionResolver(environment: environment, files: files, imds: imds).region()
        let endpoint = try EndpointResolver.resolve(.s3, region: region, environment: environment)
        return S3Client(
            endpoint: endpoint, expectedBucketOwner: expectedBucketOwner.flatMap { $0.isEmpty ? nil : $0 },
            credentials: baseCredentials, transport: transport, retry: retry, time: time, timeouts: timeouts)
    }

    /// The KMS client of the region (AWS_ENDPOINT_URL_KMS honoured), signed with the base chain (never ASSUMEROLE).
    public func kms() throws -> KMSClient {
        let region = try RegionResolver(environment: environment, files: files, imds: imds).region()
        let endpoint = try EndpointResolver.resolve(.kms, region: region, environment: environment)
        return KMSClient(
            endpoint: endpoint, credentials: baseCredentials, transport: transport, retry: retry, time: time,
            timeouts: timeouts)
    }
}
