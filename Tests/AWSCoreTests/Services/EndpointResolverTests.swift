import Testing

@testable import AWSCore

@Suite struct EndpointResolverTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var service: AWSService
        var region: String
        var environment: [String: String] = [:]
        var url: String
        var signingRegion: String

        var testDescription: String { "\(service) \(region) \(environment) -> \(url) (\(signingRegion))" }
    }

    static let defaults: [Row] = [
        Row(service: .iam, region: "us-east-1", url: "https://iam.amazonaws.com", signingRegion: "us-east-1"),
        Row(service: .iam, region: "eu-central-1", url: "https://iam.amazonaws.com", signingRegion: "us-east-1"),
        Row(
            service: .sts, region: "eu-central-1", url: "https://sts.eu-central-1.amazonaws.com",
            signingRegion: "eu-central-1"),
        Row(
            service: .ec2, region: "ap-southeast-2", url: "https://ec2.ap-southeast-2.amazonaws.com",
            signingRegion: "ap-southeast-2"),
        Row(
            service: .iam, region: "cn-northwest-1", url: "https://iam.cn-north-1.amazonaws.com.cn",
            signingRegion: "cn-north-1"),
        Row(
            service: .sts, region: "cn-northwest-1", url: "https://sts.cn-northwest-1.amazonaws.com.cn",
            signingRegion: "cn-northwest-1"),
        Row(
            service: .ec2, region: "cn-north-1", url: "https://ec2.cn-north-1.amazonaws.com.cn",
            signingRegion: "cn-north-1"),
        Row(
            service: .iam, region: "us-gov-east-1", url: "https://iam.us-gov.amazonaws.com",
            signingRegion: "us-gov-west-1"),
        Row(
            service: .sts, region: "us-gov-east-1", url: "https://sts.us-gov-east-1.amazonaws.com",
            signingRegion: "us-gov-east-1"),
        Row(
            service: .ec2, region: "us-gov-west-1", url: "https://ec2.us-gov-west-1.amazonaws.com",
            signingRegion: "us-gov-west-1"),
        Row(service: .s3, region: "eu-west-1", url: "https://s3.eu-west-1.amazonaws.com", signingRegion: "eu-west-1"),
        Row(
            service: .s3, region: "cn-north-1", url: "https://s3.cn-north-1.amazonaws.com.cn",
            signingRegion: "cn-north-1"),
        Row(
            service: .kms, region: "us-gov-west-1", url: "https://kms.us-gov-west-1.amazonaws.com",
            signingRegion: "us-gov-west-1"),
        Row(
            service: .kms, region: "ap-south-1", url: "https://kms.ap-south-1.amazonaws.com",
            signingRegion: "ap-south-1"),
    ]

    static let overrides: [Row] = [
        Row(
            service: .s3, region: "eu-west-1",
            environment: ["AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000/", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"],
            url: "http://127.0.0.1:9000", signingRegion: "eu-west-1"),
        Row(
            service: .kms, region: "eu-west-1",
            environment: [
                "AWS_ENDPOINT_URL_KMS": "http://127.0.0.1:9001", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:1",
            ],
            url: "http://127.0.0.1:9001", signingRegion: "eu-west-1"),
        Row(
            service: .kms, region: "eu-west-1", environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000"],
            url: "http://127.0.0.1:5000", signingRegion: "eu-west-1"),
        Row(
            service: .iam, region: "eu-west-1", environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000/"],
            url: "http://127.0.0.1:5000", signingRegion: "us-east-1"),
        Row(
            service: .sts, region: "eu-west-1", environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000"],
            url: "http://127.0.0.1:5000", signingRegion: "eu-west-1"),
        Row(
            service: .ec2, region: "eu-west-1", environment: ["AWS_ENDPOINT_URL": "HTTPS://localhost:4566//"],
            url: "HTTPS://localhost:4566", signingRegion: "eu-west-1"),
        Row(
            service: .iam, region: "cn-north-1", environment: ["AWS_ENDPOINT_URL_IAM": "http://127.0.0.1:1/"],
            url: "http://127.0.0.1:1", signingRegion: "cn-north-1"),
        Row(
            service: .iam, region: "us-gov-east-1", environment: ["AWS_ENDPOINT_URL_IAM": "http://127.0.0.1:1"],
            url: "http://127.0.0.1:1", signingRegion: "us-gov-west-1"),
        Row(
            service: .iam, region: "us-east-1",
            environment: ["AWS_ENDPOINT_URL_IAM": "http://iam.local/base/", "AWS_ENDPOINT_URL": "http://generic"],
            url: "http://iam.local/base", signingRegion: "us-east-1"),
        Row(
            service: .sts, region: "us-east-1",
            environment: ["AWS_ENDPOINT_URL_IAM": "http://iam.local", "AWS_ENDPOINT_URL": "http://generic"],
            url: "http://generic", signingRegion: "us-east-1"),
        Row(
            service: .ec2, region: "us-west-2",
            environment: ["AWS_ENDPOINT_URL_EC2": "http://ec2.local", "AWS_ENDPOINT_URL_STS": "http://sts.local"],
            url: "http://ec2.local", signingRegion: "us-west-2"),
        Row(
            service: .sts, region: "us-west-2",
            environment: ["AWS_ENDPOINT_URL_STS": "", "AWS_ENDPOINT_URL": "http://generic"], url: "http://generic",
            signingRegion: "us-west-2"),
        Row(
            service: .ec2, region: "us-west-2", environment: ["AWS_ENDPOINT_URL": ""],
            url: "https://ec2.us-west-2.amazonaws.com", signingRegion: "us-west-2"),
        Row(
            service: .ec2, region: "us-west-2",
            environment: ["AWS_ENDPOINT_URL": "ftp://ignored", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"],
            url: "https://ec2.us-west-2.amazonaws.com", signingRegion: "us-west-2"),
    ]

    @Test(arguments: defaults + overrides)
    func resolves(row: Row) throws {
        let endpoint = try EndpointResolver.resolve(row.service, region: row.region, environment: row.environment)
        #expect(
            endpoint
                == ServiceEndpoint(url: row.url, signingRegion: row.signingRegion, signingName: row.service.rawValue))
    }

    @Test(arguments: [
        "", "us", "us-east", "US-EAST-1", "us-east-1.evil.example", "us-east-1/x", "us--east-1", "-us-east-1",
        "us-east-x", "1s-east-1", "us-east-1 ", "us_east_1", "üs-east-1",
    ])
    func rejectsMalformedRegions(region: String) {
        for service in AWSService.allCases {
            #expect {
                try EndpointResolver.resolve(service, region: region, environment: [:])
            } throws: { error in
                guard case .configuration(let detail) = error as? AWSError else { return false }
                return detail.contains("region") && detail.contains("AWS_REGION")
            }
        }
    }

    @Test(arguments: [
        ("AWS_ENDPOINT_URL_IAM", "ftp://127.0.0.1"),
        ("AWS_ENDPOINT_URL_IAM", "127.0.0.1:5000"),
        ("AWS_ENDPOINT_URL_IAM", "http://"),
        ("AWS_ENDPOINT_URL_IAM", "http:///path"),
        ("AWS_ENDPOINT_URL_IAM", "http://:5000"),
        ("AWS_ENDPOINT_URL", "http://host with space"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000\n"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1/?x=1"),
        ("AWS_ENDPOINT_URL", "http://user:secret@127.0.0.1/"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1/#frag"),
    ])
    func rejectsUnusableOverridesNamingTheVariable(variable: String, value: String) {
        #expect {
            try EndpointResolver.resolve(.iam, region: "us-east-1", environment: [variable: value])
        } throws: { error in
            guard case .configuration(let detail) = error as? AWSError else { return false }
            return detail.hasPrefix(variable + "=")
        }
    }

    @Test func badServiceVariableIsAnErrorEvenWithAGoodGenericOne() {
        #expect(throws: AWSError.self) {
            try EndpointResolver.resolve(
                .sts, region: "us-east-1",
                environment: ["AWS_ENDPOINT_URL_STS": "sts.local", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000"])
        }
    }

    @Test func serviceVariables() {
        #expect(
            AWSService.allCases.map(\.endpointVariable) == [
                "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_S3",
                "AWS_ENDPOINT_URL_KMS",
            ])
        #expect(AWSService(rawValue: "ec2") == .ec2)
    }
}
