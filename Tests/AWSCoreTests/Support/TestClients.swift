import Testing

@testable import AWSCore
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Builders of clients wired to fakes.
enum TestClients {
    /// The wall time the clients sign with.
    static let signingDate = Date(timeIntervalSince1970: 1_795_000_000)

    /// A Query client for `service` over `transport`, signing at `signingDate` for `region`.
    static func query(
        _ service: String, version: String, transport: ScriptedTransport,
        credentials: any CredentialsProvider = FakeCredentialsProvider.example,
        retry: any RetryExecuting = SingleAttempt(), region: String = "eu-west-1"
    ) -> QueryClient {
        QueryClient(
            endpoint: ServiceEndpoint(url: "http://127.0.0.1:5102", signingRegion: region, signingName: service),
            apiVersion: version, credentials: credentials, transport: transport, retry: retry,
            time: FakeClock(now: signingDate))
    }

    /// An IAM client over `transport`.
    static func iam(_ transport: ScriptedTransport) -> IAMClient {
        IAMClient(query: query("iam", version: IAMClient.apiVersion, transport: transport, region: "us-east-1"))
    }

    /// An STS client over `transport`.
    static func sts(_ transport: ScriptedTransport) -> STSClient {
        STSClient(query: query("sts", version: STSClient.apiVersion, transport: transport))
    }

    /// An EC2 client over `transport`.
    static func ec2(_ transport: ScriptedTransport) -> EC2Client {
        EC2Client(query: query("ec2", version: EC2Client.apiVersion, transport: transport))
    }
}
