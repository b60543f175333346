import TestSupport
import Testing

@testable import AWSCore

@Suite struct EC2ClientTests {
    private static let filters: [String: String?] = [
        "Filter.1.Name": "resource-id", "Filter.1.Value.1": "i-0123456789abcdef0",
        "Filter.2.Name": "key", "Filter.2.Value.1": "iam-authorized-groups",
    ]

    private static func expecting(_ extra: [String: String?]) -> [String: String?] {
        filters.merging(extra) { _, new in new }
    }

    @Test func describeTagsDecodesMotoAndFilters() throws {
        let transport = ScriptedTransport([
            .fixture(
                "DescribeTags", "ec2-DescribeTags",
                expect: Self.expecting(["MaxResults": "1000", "NextToken": nil, "Version": "2016-11-15"]))
        ])
        let tags = try TestClients.ec2(transport).describeTags(
            resourceID: "i-0123456789abcdef0", key: "iam-authorized-groups")
        #expect(
            tags == [
                EC2Tag(
                    resourceID: "i-d24d9e54d9a8a470e", key: "iam-authorized-groups", value: "ssh-users,admins")
            ]
        )
        let body = String(decoding: transport.requests[0].body, as: UTF8.self)
        #expect(
            body
                == "Action=DescribeTags&Version=2016-11-15&Filter.1.Name=resource-id"
                + "&Filter.1.Value.1=i-0123456789abcdef0&Filter.2.Name=key"
                + "&Filter.2.Value.1=iam-authorized-groups&MaxResults=1000")
        #expect(transport.requests[0].header("Authorization")?.contains("/eu-west-1/ec2/aws4_request") == true)
    }

    @Test func withoutKeyOnlyTheResourceFilterIsSent() throws {
        let transport = ScriptedTransport([
            .fixture(
                "DescribeTags", "ec2-DescribeTags",
                expect: ["Filter.1.Value.1": "i-1", "Filter.2.Name": nil, "Filter.2.Value.1": nil])
        ])
        _ = try TestClients.ec2(transport).describeTags(resourceID: "i-1")
        #expect(transport.remaining == 0)
    }

    @Test func followsNextToken() throws {
        let transport = ScriptedTransport([
            .fixture("DescribeTags", "ec2-DescribeTags-page1of2", expect: Self.expecting(["NextToken": nil])),
            .fixture(
                "DescribeTags", "ec2-DescribeTags-page2of2", expect: Self.expecting(["NextToken": "ec2+token/page=2"])),
        ])
        let tags = try TestClients.ec2(transport).describeTags(
            resourceID: "i-0123456789abcdef0", key: "iam-authorized-groups")
        #expect(tags.map(\.value) == ["ssh-users,admins", ""])
        #expect(transport.remaining == 0)
        #expect(
            String(decoding: transport.requests[1].body, as: UTF8.self).hasSuffix("&NextToken=ec2%2Btoken%2Fpage%3D2"))
    }

    @Test func emptyTagSet() throws {
        let transport = ScriptedTransport([.fixture("DescribeTags", "ec2-DescribeTags-empty")])
        #expect(try TestClients.ec2(transport).describeTags(resourceID: "i-1", key: "nope").isEmpty)
    }

    @Test func failureOnPageTwoFailsTheCall() {
        let transport = ScriptedTransport([
            .fixture("DescribeTags", "ec2-DescribeTags-page1of2"),
            .fixture("DescribeTags", "ec2-Response-RequestLimitExceeded", status: 503),
        ])
        #expect(
            throws: AWSError.service(
                code: "RequestLimitExceeded", message: "Request limit exceeded.",
                requestID: "d2f1c0b9-aaaa-4bbb-8ccc-ddddeeeeffff", status: 503)
        ) {
            try TestClients.ec2(transport).describeTags(resourceID: "i-1", key: "k")
        }
    }

    @Test func repeatedNextTokenIsMalformed() {
        let transport = ScriptedTransport([
            .fixture("DescribeTags", "ec2-DescribeTags-page1of2"),
            .fixture("DescribeTags", "ec2-DescribeTags-page1of2"),
        ])
        #expect {
            _ = try TestClients.ec2(transport).describeTags(resourceID: "i-1", key: "k")
        } throws: { error in
            guard case AWSError.malformedResponse(let detail) = error else { return false }
            return detail.contains("same nextToken twice")
        }
    }

    @Test(arguments: [
        ("<requestId>r</requestId>", "missing element DescribeTagsResponse/tagSet"),
        (
            "<tagSet><item><resourceId>i-1</resourceId><key>k</key></item></tagSet>",
            "missing element DescribeTagsResponse/tagSet/item/value"
        ),
        (
            "<tagSet><item><key>k</key><value>v</value></item></tagSet>",
            "missing element DescribeTagsResponse/tagSet/item/resourceId"
        ),
    ])
    func malformedPages(content: String, message: String) {
        let body =
            "<DescribeTagsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\(content)</DescribeTagsResponse>"
        let transport = ScriptedTransport([.body("DescribeTags", body)])
        #expect(throws: AWSError.malformedResponse(detail: "ec2:DescribeTags: \(message)")) {
            try TestClients.ec2(transport).describeTags(resourceID: "i-1", key: "k")
        }
    }

    @Test func runsUnderItsRetryName() throws {
        let retry = RecordingRetry()
        let transport = ScriptedTransport([
            .fixture("DescribeTags", "ec2-DescribeTags-page1of2"),
            .fixture("DescribeTags", "ec2-DescribeTags-page2of2"),
        ])
        let ec2 = EC2Client(
            query: TestClients.query("ec2", version: EC2Client.apiVersion, transport: transport, retry: retry))
        _ = try ec2.describeTags(resourceID: "i-1", key: "k")
        #expect(retry.operations == ["ec2:DescribeTags", "ec2:DescribeTags"])
    }
}
