import Testing

@testable import AWSCore
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `KMSClient` over a fake transport: the JSON 1.1 request shape, base64 fields, errors and retries.
@Suite struct KMSClientTests {
    static let url = "http://127.0.0.1:5103/"

    static func client(_ transport: FakeTransport, retry: any RetryExecuting = SingleAttempt()) -> KMSClient {
        KMSClient(
            endpoint: ServiceEndpoint(url: "http://127.0.0.1:5103", signingRegion: "eu-west-1", signingName: "kms"),
            credentials: FakeCredentialsProvider.example, transport: transport, retry: retry,
            time: FakeClock(now: TestClients.signingDate))
    }

    /// The JSON object of a request body.
    static func json(_ request: HTTPRequest) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(request.body))
    }

    @Test func signSendsARawECDSARequestAndDecodesTheSignature() throws {
        let transport = FakeTransport()
        transport.on(
            "POST", Self.url, body: #"{"KeyId":"arn:k","Signature":"MEUCAQ==","SigningAlgorithm":"ECDSA_SHA_256"}"#)
        let message = Array("manifest".utf8)
        let signature = try Self.client(transport).sign(keyID: "alias/fleet", message: message)
        #expect(signature == [0x30, 0x45, 0x02, 0x01])
        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.header("X-Amz-Target") == "TrentService.Sign")
        #expect(request.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(request.header("Authorization")?.contains("/eu-west-1/kms/aws4_request") == true)
        #expect(
            try Self.json(request) == [
                "KeyId": "alias/fleet", "Message": Data(message).base64EncodedString(), "MessageType": "RAW",
                "SigningAlgorithm": "ECDSA_SHA_256",
            ])
    }

    @Test func getPublicKeySendsTheKeyIdAndDecodesTheDER() throws {
        let transport = FakeTransport()
        transport.on("POST", Self.url, body: #"{"KeyId":"k","PublicKey":"MFkw","KeySpec":"ECC_NIST_P256"}"#)
        #expect(try Self.client(transport).publicKey(keyID: "k") == [0x30, 0x59, 0x30])
        let request = try #require(transport.requests.first)
        #expect(request.header("X-Amz-Target") == "TrentService.GetPublicKey")
        #expect(try Self.json(request) == ["KeyId": "k"])
    }

    @Test(arguments: [0, 4_097, 100_000])
    func messagesOutsideTheRawLimitAreRefusedBeforeSending(size: Int) {
        let transport = FakeTransport()
        #expect {
            try Self.client(transport).sign(keyID: "k", message: [UInt8](repeating: 7, count: size))
        } throws: { error in
            guard case .configuration(let detail) = error as? AWSError else { return false }
            return detail.contains("4096") && detail.contains("nothing was sent")
        }
        #expect(transport.requests.isEmpty)
    }

    @Test func aMessageOfExactlyTheLimitIsSent() throws {
        let transport = FakeTransport()
        transport.on("POST", Self.url, body: #"{"Signature":"AQ=="}"#)
        #expect(try Self.client(transport).sign(keyID: "k", message: [UInt8](repeating: 1, count: 4_096)) == [1])
    }

    @Test(arguments: [
        (
            #"{"__type":"NotFoundException","message":"Key 'x' does not exist"}"#, 400, "NotFoundException",
            "does not exist"
        ),
        (
            #"{"__type":"com.amazonaws.kms#InvalidKeyUsageException","Message":"not SIGN_VERIFY"}"#, 400,
            "InvalidKeyUsageException", "not SIGN_VERIFY"
        ),
        (#"{"__type":"KMSInternalException"}"#, 500, "KMSInternalException", ""),
    ])
    func jsonErrorsBecomeServiceErrorsWithTheCode(body: String, status: Int, code: String, message: String) {
        let transport = FakeTransport()
        transport.on("POST", Self.url, status: status, body: body)
        #expect {
            try Self.client(transport).sign(keyID: "k", message: [1])
        } throws: { error in
            guard case .service(let got, let text, _, let gotStatus) = error as? AWSError else { return false }
            return got == code && gotStatus == status && text.contains(message)
        }
    }

    @Test(arguments: ["", "<html>oops</html>", "{", #"{"message":"no type"}"#])
    func errorsWithoutACodeBecomeHTTPStatusErrors(body: String) {
        let transport = FakeTransport()
        transport.on("POST", Self.url, status: 502, body: body)
        #expect {
            try Self.client(transport).publicKey(keyID: "k")
        } throws: { error in
            guard case .httpStatus(502, let detail) = error as? AWSError else { return false }
            return detail.contains("kms:GetPublicKey")
        }
    }

    @Test(arguments: [
        "", "{", "[]", #"{"Signature":7}"#, #"{"Signature":"!!not base64!!"}"#, #"{"Signature":""}"#,
        #"{"Signature":"AQ==","SigningAlgorithm":"RSASSA_PSS_SHA_256"}"#,
    ])
    func badAnswersAreMalformed(body: String) {
        let transport = FakeTransport()
        transport.on("POST", Self.url, body: body)
        #expect {
            try Self.client(transport).sign(keyID: "k", message: [1])
        } throws: { error in
            guard case .malformedResponse(let detail) = error as? AWSError else { return false }
            return detail.contains("kms:Sign")
        }
    }

    @Test func throttlingIsRetriedAndEachAttemptSignedAfresh() throws {
        let transport = FakeTransport()
        transport.on("POST", Self.url, status: 400, body: #"{"__type":"ThrottlingException","message":"slow"}"#)
        transport.on("POST", Self.url, body: #"{"PublicKey":"AQI="}"#)
        let retry = RecordingRetry(attempts: 3)
        #expect(try Self.client(transport, retry: retry).publicKey(keyID: "k") == [1, 2])
        #expect(retry.operations == ["kms:GetPublicKey", "kms:GetPublicKey"])
        #expect(transport.requests.count == 2)
    }

    @Test func notFoundIsNotRetried() {
        #expect(!AWSError.service(code: "NotFoundException", message: "", requestID: nil, status: 400).isRetryable)
        #expect(AWSError.service(code: "ThrottlingException", message: "", requestID: nil, status: 400).isRetryable)
    }
}
