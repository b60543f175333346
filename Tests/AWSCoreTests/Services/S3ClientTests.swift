import Testing

@testable import AWSCore
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `S3Client` over a fake transport: request shape, S3 signing, conditional GET, metadata, errors and retries.
@Suite struct S3ClientTests {
    static let location = S3Location(bucket: "fleet-bucket", key: "snapshots/fleet one.snap")
    static let objectURL = "http://127.0.0.1:5102/fleet-bucket/snapshots/fleet%20one.snap"

    /// A client at the test endpoint (path-style, as behind an override) over `transport`.
    static func client(
        _ transport: FakeTransport, owner: String? = nil, retry: any RetryExecuting = SingleAttempt()
    ) -> S3Client {
        S3Client(
            endpoint: ServiceEndpoint(url: "http://127.0.0.1:5102/", signingRegion: "eu-west-1", signingName: "s3"),
            expectedBucketOwner: owner, credentials: FakeCredentialsProvider.example, transport: transport,
            retry: retry, time: FakeClock(now: TestClients.signingDate))
    }

    static func errorXML(_ code: String, _ message: String = "m") -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>\(code)</Code><Message>\(message)</Message>"
            + "<Key>k</Key><RequestId>RID1</RequestId></Error>"
    }

    @Test func getSendsASignedPathStyleRequestWithThePayloadHashAndReturnsBodyETagAndMetadata() throws {
        let transport = FakeTransport()
        transport.on(
            "GET " + Self.objectURL,
            .response(
                HTTPResponse(
                    status: 200,
                    headers: [
                        HTTPField("ETag", "\"abc\""), HTTPField("X-Amz-Meta-Serial", "42"),
                        HTTPField("x-amz-meta-signature", "-"), HTTPField("Content-Type", "application/x"),
                    ],
                    body: Array("bytes".utf8))))
        let result = try Self.client(transport, owner: "123456789012").getObject(Self.location, ifNoneMatch: nil)
        #expect(
            result
                == .object(
                    S3Object(body: Array("bytes".utf8), etag: "\"abc\"", metadata: ["serial": "42", "signature": "-"])))
        let request = try #require(transport.requests.first)
        #expect(request.method == "GET")
        #expect(request.header("If-None-Match") == nil)
        #expect(request.header("x-amz-expected-bucket-owner") == "123456789012")
        #expect(request.header("x-amz-content-sha256") == Digest.hex(Digest.sha256([])))
        let authorization = try #require(request.header("Authorization"))
        #expect(authorization.contains("/eu-west-1/s3/aws4_request"))
        #expect(
            authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-expected-bucket-owner,"))
        // S3 signs the path encoded once: the space is %20 in the canonical request, not %2520.
        let signer = SigV4Signer(
            credentials: try #require(try FakeCredentialsProvider.example.credentials()), region: "eu-west-1",
            service: "s3", normalizesPath: false, addsContentSHA256Header: true)
        let canonical = try signer.canonicalRequest(request)
        #expect(canonical.text.split(separator: "\n")[1] == "/fleet-bucket/snapshots/fleet%20one.snap")
        #expect(try signer.signed(request, date: TestClients.signingDate).header("Authorization") == authorization)
    }

    @Test func conditionalGetSendsIfNoneMatchAndTurnsA304IntoNotModified() throws {
        let transport = FakeTransport()
        transport.on("GET " + Self.objectURL, .response(HTTPResponse(status: 304)))
        #expect(try Self.client(transport).getObject(Self.location, ifNoneMatch: "\"abc\"") == .notModified)
        #expect(transport.requests.first?.header("If-None-Match") == "\"abc\"")
        #expect(transport.requests.first?.header("x-amz-expected-bucket-owner") == nil)
    }

    @Test func a304WithoutIfNoneMatchIsMalformed() {
        let transport = FakeTransport()
        transport.on("GET " + Self.objectURL, .response(HTTPResponse(status: 304)))
        #expect {
            try Self.client(transport).getObject(Self.location, ifNoneMatch: nil)
        } throws: { error in
            guard case .malformedResponse(let detail) = error as? AWSError else { return false }
            return detail.contains("304")
        }
    }

    @Test func putSendsBodyContentTypeMetadataAndOwnerAndReturnsTheETag() throws {
        let transport = FakeTransport()
        transport.on(
            "PUT " + Self.objectURL, .response(HTTPResponse(status: 200, headers: [HTTPField("ETag", "\"new\"")])))
        let body = Array("envelope".utf8)
        let etag = try Self.client(transport, owner: "123456789012").putObject(
            Self.location, body: body, contentType: "application/vnd.aws-ec2-ssh.snapshot",
            metadata: ["serial": "42", "sha256": "ab"])
        #expect(etag == "\"new\"")
        let request = try #require(transport.requests.first)
        #expect(request.body == body)
        #expect(request.header("Content-Type") == "application/vnd.aws-ec2-ssh.snapshot")
        #expect(request.header("x-amz-meta-serial") == "42")
        #expect(request.header("x-amz-meta-sha256") == "ab")
        #expect(request.header("x-amz-expected-bucket-owner") == "123456789012")
        #expect(request.header("x-amz-content-sha256") == Digest.hex(Digest.sha256(body)))
        let signed = try #require(request.header("Authorization"))
        #expect(
            signed.contains(
                "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-expected-bucket-owner;"
                    + "x-amz-meta-serial;x-amz-meta-sha256,"))
    }

    @Test(arguments: [
        ("NoSuchKey", 404), ("NoSuchBucket", 404), ("AccessDenied", 403), ("SignatureDoesNotMatch", 403),
        ("PreconditionFailed", 412),
    ])
    func s3ErrorDocumentsBecomeServiceErrorsNamingTheCodeAndTheObject(code: String, status: Int) {
        let transport = FakeTransport()
        transport.on("GET", Self.objectURL, status: status, body: Self.errorXML(code, "The thing failed."))
        #expect {
            try Self.client(transport).getObject(Self.location, ifNoneMatch: nil)
        } throws: { error in
            guard case .service(let got, let message, let requestID, let gotStatus) = error as? AWSError else {
                return false
            }
            return got == code && gotStatus == status && requestID == "RID1"
                && message.contains("The thing failed.")
                && message.contains("s3://fleet-bucket/snapshots/fleet one.snap")
        }
    }

    @Test(arguments: [
        ("", "text/plain"), ("<html>Bad Gateway</html>", "text/html"), ("<Error><Code></Code></Error>", "text/xml"),
        ("<Error><Code>X", "application/xml"),
    ])
    func errorsWithoutAnS3DocumentBecomeHTTPStatusErrors(body: String, contentType: String) {
        let transport = FakeTransport()
        transport.on(
            "GET " + Self.objectURL,
            .response(
                HTTPResponse(status: 502, headers: [HTTPField("Content-Type", contentType)], body: Array(body.utf8))))
        #expect {
            try Self.client(transport).getObject(Self.location, ifNoneMatch: nil)
        } throws: { error in
            guard case .httpStatus(let status, let detail) = error as? AWSError else { return false }
            return status == 502 && detail.contains("s3:GetObject") && detail.contains("not an S3 error document")
        }
    }

    @Test(arguments: ["SlowDown", "InternalError"])
    func throttlingAndServerErrorsAreRetriedAndEachAttemptIsSignedAfresh(code: String) throws {
        let transport = FakeTransport()
        transport.on("PUT", Self.objectURL, status: 503, body: Self.errorXML(code))
        transport.on(
            "PUT " + Self.objectURL, .response(HTTPResponse(status: 200, headers: [HTTPField("ETag", "\"e\"")])))
        let retry = RecordingRetry(attempts: 3)
        let etag = try Self.client(transport, retry: retry).putObject(
            Self.location, body: [1, 2, 3], contentType: "application/octet-stream", metadata: [:])
        #expect(etag == "\"e\"")
        #expect(retry.operations == ["s3:PutObject", "s3:PutObject"])
        #expect(transport.requests.count == 2)
        #expect(transport.requests.allSatisfy { $0.header("Authorization") != nil })
    }

    @Test func retrierRetriesSlowDownButNotNoSuchKey() {
        #expect(AWSError.service(code: "SlowDown", message: "", requestID: nil, status: 503).isRetryable)
        #expect(!AWSError.service(code: "NoSuchKey", message: "", requestID: nil, status: 404).isRetryable)
    }

    @Test(arguments: [
        (["Serial": "1"], "lowercase"), (["a b": "1"], "lowercase"), (["": "1"], "lowercase"),
        (["ok": "line\nbreak"], "printable ASCII"), (["ok": "é"], "printable ASCII"), (["ok": " padded"], "blanks"),
        (["big": String(repeating: "x", count: 2_100)], "at most 2048"),
    ])
    func unusableMetadataIsRefusedBeforeSending(metadata: [String: String], mention: String) {
        let transport = FakeTransport()
        #expect {
            try Self.client(transport).putObject(Self.location, body: [], contentType: "text/plain", metadata: metadata)
        } throws: { error in
            guard case .configuration(let detail) = error as? AWSError else { return false }
            return detail.contains(mention)
        }
        #expect(transport.requests.isEmpty)
    }

    @Test(arguments: ["12345678901", "1234567890123", "12345678901a", "123456789012\n"])
    func aMalformedExpectedOwnerIsRefusedBeforeSending(owner: String) {
        let transport = FakeTransport()
        #expect {
            try Self.client(transport, owner: owner).getObject(Self.location, ifNoneMatch: nil)
        } throws: { error in
            guard case .configuration(let detail) = error as? AWSError else { return false }
            return detail.contains("12-digit")
        }
        #expect(transport.requests.isEmpty)
    }

    @Test func anETagWithALineBreakIsRefusedBeforeSending() {
        let transport = FakeTransport()
        #expect(throws: AWSError.self) {
            try Self.client(transport).getObject(Self.location, ifNoneMatch: "\"a\"\r\nX-Evil: 1")
        }
        #expect(transport.requests.isEmpty)
    }

    @Test func missingCredentialsNameTheSource() {
        let client = S3Client(
            endpoint: ServiceEndpoint(url: "http://127.0.0.1:5102", signingRegion: "eu-west-1", signingName: "s3"),
            credentials: FakeCredentialsProvider(nil, name: "environment"), transport: FakeTransport(),
            retry: SingleAttempt(), time: FakeClock(now: TestClients.signingDate))
        #expect(throws: AWSError.noCredentials(tried: ["environment"])) {
            try client.getObject(Self.location, ifNoneMatch: nil)
        }
    }
}
