import TestSupport
import Testing

@testable import AWSCore

@Suite struct QueryClientTests {
    private static let listUsersOK = ScriptedTransport.Step.fixture("ListUsers", "iam-ListUsers")

    @Test func sendsASignedFormPost() throws {
        let transport = ScriptedTransport([Self.listUsersOK])
        let client = TestClients.query("iam", version: "2010-05-08", transport: transport, region: "us-east-1")
        let result = try client.call("ListUsers", [("MaxItems", "1000")])
        #expect(result.name == "ListUsersResult")
        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.url == "http://127.0.0.1:5102/")
        #expect(String(decoding: request.body, as: UTF8.self) == "Action=ListUsers&Version=2010-05-08&MaxItems=1000")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
        #expect(request.header("X-Amz-Date") == "20261118T110640Z")
        #expect(request.header("Host") == "127.0.0.1:5102")
        #expect(request.header("X-Amz-Security-Token") == nil)
        let authorization = try #require(request.header("Authorization"))
        #expect(
            authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261118/us-east-1/iam/aws4_request, "))
        #expect(authorization.contains("SignedHeaders=content-type;host;x-amz-date, Signature="))
        #expect(transport.timeouts == [.api])
        #expect(transport.remaining == 0)
    }

    @Test func signatureMatchesTheSignerForTheEndpointScope() throws {
        let transport = ScriptedTransport([.fixture("DescribeTags", "ec2-DescribeTags")])
        let client = TestClients.query("ec2", version: "2016-11-15", transport: transport, region: "ap-south-2")
        _ = try client.call("DescribeTags", [])
        let sent = try #require(transport.requests.first)
        let signer = SigV4Signer(
            credentials: try #require(try FakeCredentialsProvider.example.credentials()), region: "ap-south-2",
            service: "ec2")
        let expected = try signer.signed(client.makeRequest("DescribeTags", []), date: TestClients.signingDate)
        #expect(sent.header("Authorization") == expected.header("Authorization"))
        #expect(sent.header("Authorization")?.contains("/ap-south-2/ec2/aws4_request") == true)
    }

    @Test func sessionTokenIsSentAndSigned() throws {
        let transport = ScriptedTransport([Self.listUsersOK])
        let credentials = FakeCredentialsProvider(
            Credentials(accessKeyID: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token/+="))
        let client = TestClients.query("iam", version: "2010-05-08", transport: transport, credentials: credentials)
        _ = try client.call("ListUsers", [])
        let request = try #require(transport.requests.first)
        #expect(request.header("X-Amz-Security-Token") == "token/+=")
        #expect(request.header("Authorization")?.contains("x-amz-security-token") == true)
    }

    @Test func trailingSlashOfTheEndpointIsNotDoubled() throws {
        let transport = ScriptedTransport([Self.listUsersOK])
        let client = QueryClient(
            endpoint: ServiceEndpoint(
                url: "https://iam.amazonaws.com/", signingRegion: "us-east-1", signingName: "iam"),
            apiVersion: "2010-05-08", credentials: FakeCredentialsProvider.example, transport: transport,
            retry: SingleAttempt(), time: FakeClock(now: TestClients.signingDate),
            timeouts: HTTPTimeouts(connect: 1, total: 2))
        _ = try client.call("ListUsers", [])
        #expect(transport.requests.first?.url == "https://iam.amazonaws.com/")
        #expect(transport.timeouts == [HTTPTimeouts(connect: 1, total: 2)])
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("with space", "with+space"),
        ("a+b", "a%2Bb"),
        ("k=v&x=y", "k%3Dv%26x%3Dy"),
        ("unreserved-_.~", "unreserved-_.~"),
        ("path/with?query#frag", "path%2Fwith%3Fquery%23frag"),
        ("caf\u{E9}", "caf%C3%A9"),
        ("\u{1F511}", "%F0%9F%94%91"),
        ("%41", "%2541"),
        ("", ""),
    ])
    func formEncodesAwkwardValues(value: String, encoded: String) throws {
        let transport = ScriptedTransport([.fixture("GetUser", "iam-GetUser", expect: ["UserName": value])])
        let client = TestClients.query("iam", version: "2010-05-08", transport: transport)
        _ = try client.call("GetUser", [("UserName", value)])
        let body = String(decoding: try #require(transport.requests.first).body, as: UTF8.self)
        #expect(body == "Action=GetUser&Version=2010-05-08&UserName=\(encoded)")
        #expect(FormEncoding.encode([("a b", value)]) == "a+b=\(encoded)")
    }

    @Test func missingCredentialsSendNothing() {
        let transport = ScriptedTransport([])
        let client = TestClients.query(
            "iam", version: "2010-05-08", transport: transport, credentials: FakeCredentialsProvider(nil, name: "chain")
        )
        #expect(throws: AWSError.noCredentials(tried: ["chain"])) { try client.call("ListUsers", []) }
        #expect(transport.requests.isEmpty)
    }

    @Test func everyAttemptRunsInsideTheRetryExecutorWithFreshCredentials() throws {
        let transport = ScriptedTransport([
            .fixture("GetUser", "iam-ErrorResponse-Throttling", status: 400),
            .failure("GetUser", .transport(detail: "connection reset")),
            .fixture("GetUser", "iam-GetUser"),
        ])
        let credentials = FakeCredentialsProvider(Credentials(accessKeyID: "AKID", secretAccessKey: "s"))
        let retry = RecordingRetry(attempts: 3)
        let client = TestClients.query(
            "iam", version: "2010-05-08", transport: transport, credentials: credentials, retry: retry)
        let result = try client.call("GetUser", [("UserName", "alice")])
        #expect(result.text(of: "User/UserName") == "alice")
        #expect(retry.operations == ["iam:GetUser", "iam:GetUser", "iam:GetUser"])
        #expect(credentials.calls == 3)
        #expect(transport.requests.count == 3)
        #expect(transport.remaining == 0)
    }

    @Test func retryExecutorSeesTheServiceErrorItMustClassify() {
        let transport = ScriptedTransport([.fixture("DescribeTags", "ec2-Response-RequestLimitExceeded", status: 503)])
        let retry = RecordingRetry(attempts: 1)
        let client = TestClients.query("ec2", version: "2016-11-15", transport: transport, retry: retry)
        #expect(throws: AWSError.self) { try client.call("DescribeTags", []) }
        #expect(retry.operations == ["ec2:DescribeTags"])
    }

    @Test(arguments: [
        (
            "iam-GetUser-NoSuchEntity", 404,
            AWSError.service(
                code: "NoSuchEntity", message: "The user with name nobody cannot be found.",
                requestID: "4bckUo0XLZRWShuFTipteUfmXth8Ls4ACHkNbvWbDGdwE9GYAIQE", status: 404)
        ),
        (
            "iam-ErrorResponse-Throttling", 400,
            AWSError.service(
                code: "Throttling", message: "Rate exceeded", requestID: "9d5e6f70-1111-4222-8333-444455556666",
                status: 400)
        ),
        (
            "ec2-DescribeInstances-NotFound", 400,
            AWSError.service(
                code: "InvalidInstanceID.NotFound", message: "The instance ID 'i-0123456789abcdef0' does not exist",
                requestID: "request-id", status: 400)
        ),
        (
            "ec2-Response-RequestLimitExceeded", 503,
            AWSError.service(
                code: "RequestLimitExceeded", message: "Request limit exceeded.",
                requestID: "d2f1c0b9-aaaa-4bbb-8ccc-ddddeeeeffff", status: 503)
        ),
        (
            "moto-auth-SignatureDoesNotMatch", 403,
            AWSError.service(
                code: "SignatureDoesNotMatch",
                message: "The request signature we calculated does not match the signature you provided. "
                    + "Check your AWS Secret Access Key and signing method. "
                    + "Consult the service documentation for details.",
                requestID: nil, status: 403)
        ),
    ])
    func errorDocumentsBecomeServiceErrors(fixture: String, status: Int, expected: AWSError) {
        let transport = ScriptedTransport([.fixture("GetUser", fixture, status: status)])
        let client = TestClients.query("iam", version: "2010-05-08", transport: transport)
        #expect(throws: expected) { try client.call("GetUser", [("UserName", "nobody")]) }
    }

    @Test func errorDocumentWithoutMessageOrRequestID() {
        let transport = ScriptedTransport([
            .body("GetUser", "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>", status: 403)
        ])
        let client = TestClients.query("iam", version: "2010-05-08", transport: transport)
        #expect(throws: AWSError.service(code: "AccessDenied", message: "", requestID: nil, status: 403)) {
            try client.call("GetUser", [])
        }
    }

    @Test func errorDocumentStringsAreBoundedAndPrintable() {
        let message = "line one\nline two\u{85}[2J" + String(repeating: "m", count: 2_000)
        let body =
            "<ErrorResponse><Error><Code>Throttling\n</Code><Message>\(message)</Message></Error>"
            + "<RequestId>\(String(repeating: "r", count: 300))</RequestId></ErrorResponse>"
        let client = TestClients.query(
            "iam", version: "2010-05-08", transport: ScriptedTransport([.body("ListUsers", body, status: 400)]))
        #expect {
            try client.call("ListUsers", [])
        } throws: { error in
            guard case AWSError.service(let code, let message, let requestID, 400) = error else { return false }
            return code == "Throttling" && message.hasPrefix("line one line two [2Jmmm") && message.count == 503
                && !message.contains("\n") && requestID?.count == 103
        }
    }

    /// The `httpStatus` error `call` throws for `step`, or a recorded issue.
    private func httpStatusError(_ step: ScriptedTransport.Step) -> (status: Int, detail: String)? {
        let client = TestClients.query("iam", version: "2010-05-08", transport: ScriptedTransport([step]))
        do {
            _ = try client.call(step.action, [])
            Issue.record("expected AWSError.httpStatus, got success")
        } catch AWSError.httpStatus(let status, let detail) {
            return (status, detail)
        } catch {
            Issue.record("expected AWSError.httpStatus, got \(error)")
        }
        return nil
    }

    @Test func htmlErrorPageBecomesHTTPStatusWithASanitizedExcerpt() throws {
        let step = ScriptedTransport.Step.fixture(
            "ListUsers", "http-503-html", status: 503, headers: [HTTPField("Content-Type", "text/html")])
        let error = try #require(httpStatusError(step))
        #expect(error.status == 503)
        #expect(error.detail.hasPrefix("iam:ListUsers: not an AWS error document (text/html); body: <!DOCTYPE html>"))
        #expect(error.detail.contains("503 Service Temporarily Unavailable"))
        #expect(!error.detail.contains("\n"))
        #expect(error.detail.count < 260)
        #expect(error.detail.hasSuffix("..."))
    }

    @Test(arguments: [
        ("", 500, "empty body"),
        ("<ErrorResponse><Error><Code></Code></Error></ErrorResponse>", 500, "body: <ErrorResponse>"),
        ("<Response><Errors/></Response>", 400, "body: <Response>"),
        ("<ListUsersResponse/>", 502, "body: <ListUsersResponse/>"),
        ("line1\r\n\tline2\u{7}bell", 500, "body: line1 line2 bell"),
        ("<Error><Code>Throttling</Code>", 400, "body: <Error><Code>Throttling</Code>"),
    ])
    func otherErrorBodiesBecomeHTTPStatus(body: String, status: Int, excerpt: String) throws {
        let error = try #require(httpStatusError(.body("ListUsers", body, status: status)))
        #expect(error.status == status)
        #expect(error.detail.contains(excerpt))
    }

    @Test func excerptIsBoundedAndPrintable() {
        let long = Array(String(repeating: "x", count: 1_000).utf8)
        #expect(QueryClient.excerpt(long, limit: 10) == "xxxxxxxxxx...")
        #expect(QueryClient.excerpt(Array("  a \u{1B}[31m b  ".utf8), limit: 50) == "a [31m b")
        #expect(QueryClient.excerpt([0xFF, 0x41], limit: 50) == "A")
    }

    /// The detail of the `malformedResponse` that `call` throws for `step`, or a recorded issue.
    private func malformedDetail(_ step: ScriptedTransport.Step) -> String {
        let client = TestClients.query("iam", version: "2010-05-08", transport: ScriptedTransport([step]))
        return AWSCoreTests.malformedDetail { _ = try client.call(step.action, []) }
    }

    @Test(arguments: [
        ("bad-unclosed", "iam:ListUsers (HTTP 200): XML error at line 4"),
        ("wrong-root", "expected root element <ListUsersResponse>, got <AccessDeniedResponse>"),
        ("iam-GetUser", "expected root element <ListUsersResponse>, got <GetUserResponse>"),
        ("iam-ErrorResponse-Throttling", "got <ErrorResponse>"),
        ("doctype-billion-laughs", "DOCTYPE"),
        ("http-503-html", "DOCTYPE"),
    ])
    func unexpectedSuccessBodiesAreMalformed(fixture: String, message: String) {
        #expect(malformedDetail(.fixture("ListUsers", fixture)).contains(message))
    }

    @Test func emptySuccessBodyIsMalformed() {
        #expect(malformedDetail(.body("ListUsers", "")).contains("empty XML document"))
    }

    @Test func resultElementOrRootWhenThereIsNone() throws {
        let transport = ScriptedTransport([
            .fixture("DescribeTags", "ec2-DescribeTags"),
            .body("DeleteUser", "<DeleteUserResponse><ResponseMetadata/></DeleteUserResponse>"),
        ])
        let client = TestClients.query("ec2", version: "2016-11-15", transport: transport)
        #expect(try client.call("DescribeTags", []).name == "DescribeTagsResponse")
        #expect(try client.call("DeleteUser", []).name == "DeleteUserResponse")
    }

    @Test func transportErrorsPassThrough() {
        let transport = ScriptedTransport([.failure("ListUsers", .timeout(detail: "127.0.0.1:5102 after 10 s"))])
        let client = TestClients.query("iam", version: "2010-05-08", transport: transport)
        #expect(throws: AWSError.timeout(detail: "127.0.0.1:5102 after 10 s")) { try client.call("ListUsers", []) }
    }

    @Test func formDecodingRoundTrips() {
        let pairs = [("a b", "c+d"), ("e=f", "g&h"), ("\u{E9}", "")]
        let decoded = FormEncoding.decode(FormEncoding.encode(pairs))
        #expect(decoded.map(\.0) == pairs.map(\.0))
        #expect(decoded.map(\.1) == pairs.map(\.1))
    }
}
