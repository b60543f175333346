import AWSCore
import Testing

@testable import EC2SSHShared
@testable import TestSupport

@Suite struct AWSClientsTests {
    let base = [
        "AWS_EC2_METADATA_DISABLED": "true", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
    ]

    func clients(_ extra: [String: String], role: String? = nil) -> AWSClients {
        AWSClients(
            environment: base.merging(extra) { $1 }, transport: FakeTransport(),
            files: MemoryFileSystem(allowing: .readOnly),
            time: SystemTimeSource(), retry: SingleAttempt(), assumeRoleARN: role, sessionHost: "host-1")
    }

    @Test(arguments: [
        ([:], "https://iam.amazonaws.com", "us-east-1"),
        (["AWS_REGION": "eu-west-1"], "https://iam.amazonaws.com", "us-east-1"),
        (["AWS_REGION": "cn-north-1"], "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"),
        (["AWS_REGION": "us-gov-east-1"], "https://iam.us-gov.amazonaws.com", "us-gov-west-1"),
        (["AWS_ENDPOINT_URL": "http://127.0.0.1:5000"], "http://127.0.0.1:5000", "us-east-1"),
    ])
    func iamIsGlobalPerPartition(extra: [String: String], url: String, signingRegion: String) throws {
        let endpoint = try clients(extra).iam().query.endpoint
        #expect(endpoint.url == url)
        #expect(endpoint.signingRegion == signingRegion)
    }

    @Test func ec2NeedsARegion() throws {
        #expect(throws: AWSError.self) { try clients([:]).ec2() }
        #expect(
            try clients(["AWS_REGION": "eu-central-1"]).ec2().query.endpoint.url
                == "https://ec2.eu-central-1.amazonaws.com")
    }

    @Test func iamUsesTheAssumedRoleOnlyWhenConfigured() {
        #expect(clients([:]).iamCredentials.name.hasPrefix("chain("))
        let role = "arn:aws:iam::123456789012:role/ssh"
        #expect(clients([:], role: role).iamCredentials.name == "assume role \(role)")
        #expect(clients([:], role: "").iamCredentials.name.hasPrefix("chain("))
    }
}
