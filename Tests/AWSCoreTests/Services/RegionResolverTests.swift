import TestSupport
import Testing

@testable import AWSCore

@Suite struct RegionResolverTests {
    let transport = FakeTransport()
    let clock = FakeClock()
    let config = ["/h/.aws/config": "[default]\nregion = eu-west-1\n[profile ops]\nregion = ap-south-1\n"]

    var imds: IMDSClient { IMDSClient(endpoint: "http://127.0.0.1:5104", transport: transport, time: clock) }

    func resolve(_ environment: [String: String], _ files: [String: String] = [:], imds: IMDSClient? = nil) throws
        -> RegionResolver.Resolved
    {
        try RegionResolver(environment: environment, files: MemoryFileSystem.readOnly(files), imds: imds).resolve()
    }

    @Test func awsRegionFirst() throws {
        let resolved = try resolve(
            ["AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "us-east-2", "HOME": "/h"], config, imds: imds)
        #expect(resolved == RegionResolver.Resolved(region: "us-west-2", source: "AWS_REGION"))
    }

    @Test func awsDefaultRegionSecond() throws {
        let resolved = try resolve(["AWS_REGION": "", "AWS_DEFAULT_REGION": "us-east-2", "HOME": "/h"], config)
        #expect(resolved == RegionResolver.Resolved(region: "us-east-2", source: "AWS_DEFAULT_REGION"))
    }

    @Test func profileRegionThird() throws {
        #expect(try resolve(["HOME": "/h"], config).region == "eu-west-1")
        #expect(try resolve(["HOME": "/h", "AWS_PROFILE": "ops"], config, imds: imds).region == "ap-south-1")
        #expect(transport.requests.isEmpty)
    }

    @Test func credentialsFileRegionIsIgnored() throws {
        transport.on("PUT", "http://127.0.0.1:5104/latest/api/token", body: "tok")
        transport.on(
            "GET", "http://127.0.0.1:5104/latest/dynamic/instance-identity/document", body: #"{"region":"sa-east-1"}"#)
        let resolved = try resolve(
            ["HOME": "/h"], ["/h/.aws/credentials": "[default]\nregion = eu-west-1\n"], imds: imds)
        #expect(resolved == RegionResolver.Resolved(region: "sa-east-1", source: "IMDS"))
    }

    @Test func noSourceIsAConfigurationError() {
        #expect {
            _ = try resolve([:])
        } throws: { error in
            guard case AWSError.configuration(let detail) = error else { return false }
            return detail.contains("set AWS_REGION in /etc/aws-ec2-ssh.conf")
        }
    }

    @Test func imdsFailureIsAConfigurationError() {
        transport.on("PUT", "http://127.0.0.1:5104/latest/api/token", .failure(.transport(detail: "refused")))
        #expect {
            _ = try resolve([:], imds: imds)
        } throws: { error in
            guard case AWSError.configuration(let detail) = error else { return false }
            return detail.contains("refused") && detail.contains("set AWS_REGION in /etc/aws-ec2-ssh.conf")
        }
    }

    @Test(arguments: ["EU-WEST-1", "eu west 1", "us-east-1/../x", "eu-west-1.evil.com"])
    func invalidRegion(value: String) {
        #expect(throws: AWSError.self) { _ = try resolve(["AWS_REGION": value]) }
    }
}
