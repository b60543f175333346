import TestSupport
import Testing

@testable import AWSCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct IMDSClientTests {
    static let base = "http://127.0.0.1:5104"
    let transport = FakeTransport()
    let clock = FakeClock()

    var client: IMDSClient { IMDSClient(endpoint: Self.base + "/", transport: transport, time: clock) }

    func expectToken(_ token: String = "tok-1") {
        transport.on("PUT", Self.base + "/latest/api/token", body: token)
    }

    func expectGet(_ path: String, status: Int = 200, body: String) {
        transport.on("GET", Self.base + path, status: status, body: body)
    }

    static let roleJSON = """
        {"Code":"Success","LastUpdated":"2026-11-23T10:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIAEXAMPLE",
         "SecretAccessKey":"secret","Token":"session","Expiration":"2026-11-23T16:30:00Z"}
        """

    @Test func tokenFirstThenHeaderOnGet() throws {
        expectToken()
        expectGet("/latest/meta-data/instance-id", body: "i-0123456789abcdef0\n")
        #expect(try client.instanceID() == "i-0123456789abcdef0")
        let requests = transport.requests
        try #require(requests.count == 2)
        #expect(requests[0].method == "PUT")
        #expect(requests[0].url == Self.base + "/latest/api/token")
        #expect(requests[0].header("X-aws-ec2-metadata-token-ttl-seconds") == "300")
        #expect(requests[1].method == "GET")
        #expect(requests[1].header("X-aws-ec2-metadata-token") == "tok-1")
        #expect(transport.timeouts.allSatisfy { $0 == .imds })
    }

    @Test func tokenIsReusedUntilShortlyBeforeItsEnd() throws {
        let client = client
        expectToken("tok-1")
        expectGet("/a", body: "1")
        expectGet("/a", body: "2")
        expectGet("/a", body: "3")
        #expect(try client.get("/a") == "1")
        clock.advance(by: 260)
        #expect(try client.get("/a") == "2")
        clock.advance(by: 20)  // 280 s: within the refresh margin of the 300 s token
        expectToken("tok-2")
        #expect(try client.get("/a") == "3")
        #expect(transport.keys.filter { $0.hasPrefix("PUT") }.count == 2)
        #expect(transport.requests.last?.header("X-aws-ec2-metadata-token") == "tok-2")
    }

    @Test func unauthorizedRefreshesTheTokenOnce() throws {
        let client = client
        expectToken("old")
        expectGet("/a", status: 401, body: "")
        expectToken("new")
        expectGet("/a", body: "ok")
        #expect(try client.get("/a") == "ok")
        #expect(
            transport.keys == ["PUT \(Self.base)/latest/api/token", "GET \(Self.base)/a"]
                + ["PUT \(Self.base)/latest/api/token", "GET \(Self.base)/a"])
        #expect(transport.requests[3].header("X-aws-ec2-metadata-token") == "new")
    }

    @Test func secondUnauthorizedIsAnError() throws {
        expectToken("old")
        expectGet("/a", status: 401, body: "")
        expectToken("new")
        expectGet("/a", status: 401, body: "")
        #expect(throws: AWSError.httpStatus(status: 401, detail: "IMDS GET \(Self.base)/a: (empty body)")) {
            _ = try client.get("/a")
        }
        #expect(transport.requests.count == 4)
    }

    @Test func tokenRefusedIsAnError() {
        transport.on("PUT", Self.base + "/latest/api/token", status: 403, body: "Forbidden")
        #expect {
            _ = try client.instanceID()
        } throws: { error in
            guard case AWSError.httpStatus(403, let detail) = error else { return false }
            return detail.contains("IMDSv2") && detail.contains("Forbidden")
        }
    }

    @Test func emptyTokenIsMalformed() {
        expectToken("  \n")
        #expect(throws: AWSError.self) { _ = try client.get("/a") }
    }

    @Test func transportErrorsPropagate() {
        transport.on("PUT", Self.base + "/latest/api/token", .failure(.timeout(detail: "127.0.0.1:5104")))
        #expect(throws: AWSError.timeout(detail: "127.0.0.1:5104")) { _ = try client.get("/a") }
    }

    @Test func notFound() throws {
        let client = client
        expectToken()
        expectGet("/missing", status: 404, body: "")
        expectGet("/missing", status: 404, body: "")
        #expect(try client.getIfPresent("/missing") == nil)
        #expect(throws: AWSError.httpStatus(status: 404, detail: "IMDS \(Self.base)/missing not found")) {
            _ = try client.get("/missing")
        }
    }

    @Test func serverErrorIsAnError() {
        expectToken()
        expectGet("/a", status: 500, body: "boom")
        #expect(throws: AWSError.httpStatus(status: 500, detail: "IMDS GET \(Self.base)/a: boom")) {
            _ = try client.getIfPresent("/a")
        }
    }

    @Test func instanceTag() throws {
        let client = client
        expectToken()
        expectGet("/latest/meta-data/tags/instance/SSHGroups", body: "admins,devs")
        expectGet("/latest/meta-data/tags/instance/Needs%20Encoding", status: 404, body: "")
        #expect(try client.instanceTag("SSHGroups") == "admins,devs")
        #expect(try client.instanceTag("Needs Encoding") == nil)
    }

    @Test func regionFromIdentityDocument() throws {
        expectToken()
        expectGet(
            "/latest/dynamic/instance-identity/document",
            body: #"{"accountId":"123456789012","region":"eu-central-1","instanceId":"i-1"}"#)
        #expect(try client.region() == "eu-central-1")
    }

    @Test(arguments: [(404, ""), (500, "not implemented"), (200, "not json"), (200, #"{"accountId":"1"}"#)])
    func regionFallsBackToPlacement(status: Int, body: String) throws {
        expectToken()
        expectGet("/latest/dynamic/instance-identity/document", status: status, body: body)
        expectGet("/latest/meta-data/placement/region", body: "us-east-1")
        #expect(try client.region() == "us-east-1")
    }

    @Test func roleCredentials() throws {
        expectToken()
        expectGet("/latest/meta-data/iam/security-credentials/", body: "web-role\n")
        expectGet("/latest/meta-data/iam/security-credentials/web-role", body: Self.roleJSON)
        let credentials = try client.roleCredentials()
        #expect(credentials.accessKeyID == "ASIAEXAMPLE")
        #expect(credentials.secretAccessKey == "secret")
        #expect(credentials.sessionToken == "session")
        #expect(credentials.expiration == IMDSClient.parseTimestamp("2026-11-23T16:30:00Z"))
        #expect(credentials.expiration?.timeIntervalSince1970 == 1_795_451_400)
    }

    @Test func roleCredentialsWithoutCodeAsMotoServes() throws {
        expectToken()
        expectGet("/latest/meta-data/iam/security-credentials/", body: "default-role")
        expectGet(
            "/latest/meta-data/iam/security-credentials/default-role",
            body: #"{"AccessKeyId": "test-key", "SecretAccessKey": "test-secret-key", "#
                + #""Token": "test-session-token", "Expiration": "2026-11-24T11:00:00Z"}"#)
        #expect(try client.roleCredentials().accessKeyID == "test-key")
    }

    @Test func noRoleAttached() throws {
        let client = client
        expectToken()
        expectGet("/latest/meta-data/iam/security-credentials/", status: 404, body: "")
        expectGet("/latest/meta-data/iam/security-credentials/", body: "\n")
        #expect(try client.roleName() == nil)
        #expect {
            _ = try client.roleCredentials()
        } throws: { error in
            guard case AWSError.configuration(let detail) = error else { return false }
            return detail.contains("no IAM role attached")
        }
    }

    @Test(arguments: [
        "not json",
        #"{"Code":"Success","AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2026-11-23T16:30:00Z"}"#,
        #"{"Code":"Success","AccessKeyId":"A","SecretAccessKey":"S","Token":"T"}"#,
        #"{"Code":"Success","AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"tomorrow"}"#,
        #"{"AccessKeyId":1}"#,
    ])
    func malformedRoleCredentials(body: String) {
        expectToken()
        expectGet("/latest/meta-data/iam/security-credentials/r", body: body)
        #expect {
            _ = try client.roleCredentials(role: "r")
        } throws: { error in
            guard case AWSError.malformedResponse = error else { return false }
            return true
        }
    }

    @Test func roleCredentialsCodeOtherThanSuccess() {
        expectToken()
        expectGet(
            "/latest/meta-data/iam/security-credentials/r",
            body: #"{"Code":"AssumeRoleUnauthorizedAccess","Message":"EC2 cannot assume the role r."}"#)
        #expect {
            _ = try client.roleCredentials(role: "r")
        } throws: { error in
            guard case AWSError.service(let code, let message, nil, 200) = error else { return false }
            return code == "AssumeRoleUnauthorizedAccess" && message.contains("EC2 cannot assume the role r.")
        }
    }

    @Test(arguments: [
        ([String: String](), "http://169.254.169.254"),
        (["AWS_EC2_METADATA_DISABLED": "false"], "http://169.254.169.254"),
        (["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:5104/"], "http://127.0.0.1:5104"),
        (["AWS_EC2_METADATA_SERVICE_ENDPOINT": ""], "http://169.254.169.254"),
        (["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"], "http://[fd00:ec2::254]"),
    ])
    func endpointFromEnvironment(environment: [String: String], endpoint: String) throws {
        let client = try #require(IMDSClient.fromEnvironment(environment, transport: transport, time: clock))
        #expect(client.endpoint == endpoint)
        #expect(transport.requests.isEmpty)
    }

    @Test(arguments: ["169.254.169.254", "ftp://127.0.0.1", ""])
    func endpointWithoutHTTPIsAConfigurationError(endpoint: String) {
        let client = IMDSClient(endpoint: endpoint, transport: transport, time: clock)
        #expect {
            _ = try client.instanceID()
        } throws: { error in
            guard case AWSError.configuration(let detail) = error else { return false }
            return detail.contains("AWS_EC2_METADATA_SERVICE_ENDPOINT")
        }
        #expect(transport.requests.isEmpty)
    }

    @Test(arguments: ["true", "TRUE", "True"])
    func disabled(value: String) {
        let environment = ["AWS_EC2_METADATA_DISABLED": value, "AWS_EC2_METADATA_SERVICE_ENDPOINT": Self.base]
        #expect(IMDSClient.fromEnvironment(environment, transport: transport, time: clock) == nil)
    }

    @Test(arguments: [
        ("2026-11-23T16:30:00Z", 1_795_451_400.0),
        ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T12:00:00.5Z", 1_709_208_000.5),
        ("2026-11-23T18:30:00+02:00", 1_795_451_400),
        ("2026-11-23T14:00:00-02:30", 1_795_451_400),
    ])
    func timestamps(text: String, seconds: Double) {
        #expect(IMDSClient.parseTimestamp(text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: ["", "2026-11-23", "2026-13-01T00:00:00Z", "2026-11-23T16:30:00", "2026-11-23T16:30:00Zjunk"])
    func badTimestamps(text: String) {
        #expect(IMDSClient.parseTimestamp(text) == nil)
    }
}
