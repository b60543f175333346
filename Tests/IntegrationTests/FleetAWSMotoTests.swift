import AWSCore
import Testing

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// S3 and KMS for fleet mode, signed for real over libcurl, against moto with signature checking on.
@Suite(.enabled(if: MotoEnvironment.isAvailable, "needs the moto server started by scripts/test"))
struct FleetAWSMotoTests {
    let moto: MotoEnvironment

    /// moto's default account id, also sent as the expected bucket owner.
    static let account = "123456789012"

    init() throws {
        moto = try #require(MotoEnvironment.current)
    }

    /// The fault proxy in front of moto, when `scripts/test` started one.
    static var faultURL: String? {
        MotoEnvironment.variable("EC2SSH_TEST_FAULT_URL").flatMap { $0.hasPrefix("http://127.0.0.1:") ? $0 : nil }
    }

    @Test func putThenConditionalGetGives200Then304AndTheMetadataRoundTrips() throws {
        let s3 = try moto.s3Client(owner: Self.account)
        let location = S3Location(bucket: try moto.makeBucket(), key: "fleet/snapshot v1.env")
        let body = Array("aws-ec2-ssh-snapshot 1\n\u{0}\u{ff} bytes".utf8)
        let etag = try s3.putObject(
            location, body: body, contentType: "application/vnd.aws-ec2-ssh.snapshot",
            metadata: ["serial": "42", "sha256": String(repeating: "ab", count: 32)])
        let put = try #require(etag)

        guard case .object(let object) = try s3.getObject(location, ifNoneMatch: nil) else {
            Issue.record("GetObject without If-None-Match did not return the object")
            return
        }
        #expect(object.body == body)
        #expect(object.etag == put)
        #expect(object.metadata["serial"] == "42")
        #expect(object.metadata["sha256"] == String(repeating: "ab", count: 32))
        #expect(try s3.getObject(location, ifNoneMatch: put) == .notModified)
        guard case .object = try s3.getObject(location, ifNoneMatch: "\"0123456789abcdef0123456789abcdef\"") else {
            Issue.record("GetObject with another ETag did not return the object")
            return
        }

        let newer = try s3.putObject(location, body: [1, 2, 3], contentType: "application/octet-stream", metadata: [:])
        #expect(newer != put)
        guard case .object(let replaced) = try s3.getObject(location, ifNoneMatch: put) else {
            Issue.record("GetObject with the old ETag after a put returned 304")
            return
        }
        #expect(replaced.body == [1, 2, 3])
        #expect(replaced.metadata.isEmpty)
    }

    @Test func aMissingKeyIsNoSuchKeyAndAMissingBucketNoSuchBucket() throws {
        let s3 = try moto.s3Client()
        let bucket = try moto.makeBucket()
        for (location, code) in [
            (S3Location(bucket: bucket, key: "absent"), "NoSuchKey"),
            (S3Location(bucket: MotoEnvironment.uniqueName("nobucket"), key: "k"), "NoSuchBucket"),
        ] {
            do {
                _ = try s3.getObject(location, ifNoneMatch: nil)
                Issue.record("GetObject of \(location) succeeded")
            } catch let error as AWSError {
                #expect(error.code == code, "\(error)")
            }
        }
    }

    @Test(arguments: ["s3", "kms"])
    func aWrongSecretIsRejectedByMoto(service: String) throws {
        let env = moto.awsEnvironment(secret: "wrong-secret")
        do {
            if service == "s3" {
                _ = try moto.s3Client(environment: env).getObject(
                    S3Location(bucket: try moto.makeBucket(), key: "k"), ifNoneMatch: nil)
            } else {
                _ = try moto.kmsClient(environment: env).publicKey(keyID: "alias/none")
            }
            Issue.record("\(service) accepted a request signed with a wrong secret")
        } catch let error as AWSError {
            #expect(
                ["SignatureDoesNotMatch", "InvalidSignatureException"].contains(error.code ?? ""),
                "\(service): \(error)")
        }
    }

    @Test(.enabled(if: faultURL != nil, "needs scripts/fault-proxy-up (EC2SSH_TEST_FAULT_URL)"))
    func everyS3RequestSendsTheExpectedBucketOwnerAndThrottlingIsRetried() throws {
        let proxy = ProxyRules(url: try #require(Self.faultURL))
        let bucket = try moto.makeBucket()
        let env = moto.awsEnvironment().merging(["AWS_ENDPOINT_URL_S3": proxy.url]) { $1 }
        let s3 = try moto.s3Client(environment: env, owner: Self.account)
        let location = S3Location(bucket: bucket, key: "snap")
        try proxy.add(ProxyRules.Rule(path: "/\(bucket)/", fault: "throttle", times: 1))
        try proxy.add(
            ProxyRules.Rule(
                path: "/\(bucket)/", headers: ["x-amz-expected-bucket-owner": Self.account], fault: "count"))
        try proxy.add(ProxyRules.Rule(path: "/\(bucket)/", fault: "count"))
        let etag = try s3.putObject(location, body: [9], contentType: "text/plain", metadata: [:])
        guard case .object = try s3.getObject(location, ifNoneMatch: nil) else {
            Issue.record("GetObject through the proxy failed")
            return
        }
        #expect(try s3.getObject(location, ifNoneMatch: etag) == .notModified)
        let hits = try proxy.hits(path: "/\(bucket)/")
        #expect(hits == [1, 3, 0], "throttled once, then 3 requests with the owner header, none without")
        _ = try moto.s3Client(environment: env).getObject(location, ifNoneMatch: nil)
        #expect(try proxy.hits(path: "/\(bucket)/") == [1, 3, 1], "a client without an owner sends none")
    }

    @Test func kmsSignsRawAndThePublicKeyVerifiesTheSignature() throws {
        let kms = try moto.kmsClient()
        let keyID = try moto.makeSigningKey(kms)
        let message = Array(#"{"format":1,"serial":42,"bucket":"b","key":"k"}"#.utf8)
        let signature = try kms.sign(keyID: keyID, message: message)
        let key = try ECDSAP256PublicKey(der: try kms.publicKey(keyID: keyID))
        #expect(key.isValidSignature(signature, for: message))
        var changed = message
        changed[10] ^= 0x01
        #expect(!key.isValidSignature(signature, for: changed))
        #expect(try ECDSAP256PublicKey(pem: key.pem) == key)

        let otherID = try moto.makeSigningKey(kms)
        let otherKey = try ECDSAP256PublicKey(der: try kms.publicKey(keyID: otherID))
        #expect(!otherKey.isValidSignature(signature, for: message))
    }

    @Test func kmsErrorsNameTheCode() throws {
        do {
            _ = try moto.kmsClient().sign(keyID: "00000000-0000-0000-0000-000000000000", message: [1])
            Issue.record("Sign with an unknown key succeeded")
        } catch let error as AWSError {
            #expect(error.code == "NotFoundException", "\(error)")
        }
    }
}

/// Fault and counting rules at the fault proxy (scripts/fault-proxy.py).
private struct ProxyRules {
    let url: String
    let transport = CurlTransport(environment: [:])

    /// One rule: requests on `path` carrying `headers` get `fault` (`count` only counts), `times` times at most.
    struct Rule: Codable {
        var action = "*"
        var path: String?
        var headers: [String: String]?
        var fault: String
        var times: Int?
        var hits: Int?
    }

    /// Appends `rule`.
    func add(_ rule: Rule) throws {
        _ = try send("POST", Array(try JSONEncoder().encode([rule])))
    }

    /// The hits of the rules on `path`, in the order they were added.
    func hits(path: String) throws -> [Int] {
        try JSONDecoder().decode([Rule].self, from: Data(try send("GET", []))).filter { $0.path == path }
            .map { $0.hits ?? 0 }
    }

    private func send(_ method: String, _ body: [UInt8]) throws -> [UInt8] {
        let response = try transport.send(
            HTTPRequest(
                method: method, url: url + "/__faults__", headers: [HTTPField("Content-Type", "application/json")],
                body: body),
            timeouts: HTTPTimeouts(connect: 2, total: 5))
        guard response.status == 200 else {
            throw AWSError.httpStatus(status: response.status, detail: "fault proxy")
        }
        return response.body
    }
}
