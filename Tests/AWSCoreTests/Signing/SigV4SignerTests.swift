import Testing

@testable import AWSCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Unit tests for each SigV4 stage on its own, with values from the AWS documentation.
@Suite struct SigV4SignerTests {
    static let docsCredentials = Credentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    /// 2015-08-30T12:36:00Z, the date of the AWS examples.
    static let docsDate = Date(timeIntervalSince1970: 1_440_938_160)

    @Test func credentialScope() {
        let signer = SigV4Signer(credentials: Self.docsCredentials, region: "eu-west-1", service: "iam")
        #expect(signer.credentialScope(date: Self.docsDate) == "20150830/eu-west-1/iam/aws4_request")
    }

    /// "Examples of how to derive a signing key for Signature Version 4" (AWS General Reference).
    @Test func signingKeyFromAWSDocs() {
        let signer = SigV4Signer(credentials: Self.docsCredentials, region: "us-east-1", service: "iam")
        let key = signer.signingKey(date: Date(timeIntervalSince1970: 1_329_264_000))  // 2012-02-15
        #expect(Digest.hex(key) == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    /// The IAM ListUsers example of the AWS SigV4 documentation, end to end.
    @Test func iamListUsersExampleFromAWSDocs() throws {
        let signer = SigV4Signer(credentials: Self.docsCredentials, region: "us-east-1", service: "iam")
        let request = HTTPRequest(
            method: "GET", url: "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08",
            headers: [HTTPField("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")])
        let canonical = try signer.canonicalRequest(try signer.prepared(request, date: Self.docsDate))
        #expect(canonical.signedHeaders == "content-type;host;x-amz-date")
        #expect(
            Digest.hex(Digest.sha256(Array(canonical.text.utf8)))
                == "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59")
        let signed = try signer.signed(request, date: Self.docsDate)
        #expect(
            signed.header("authorization")
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, "
                + "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
    }

    @Test(arguments: [
        ("value", "value"),
        ("  value  ", "value"),
        ("\"a   b   c\"", "\"a b c\""),
        ("a\t\tb", "a b"),
        ("value1\n  value2\r\n value3", "value1 value2 value3"),
        ("", ""),
        ("   ", ""),
    ])
    func headerValueTrimming(raw: String, trimmed: String) {
        #expect(SigV4Signer.trimmedHeaderValue(raw) == trimmed)
    }

    @Test(arguments: [
        ("", true, "/"),
        ("/", true, "/"),
        ("//", true, "/"),
        ("/./", true, "/"),
        ("/example/..", true, "/"),
        ("/a/b/../../..", true, "/"),
        ("/./example", true, "/example"),
        ("//example//", true, "/example/"),
        ("/a/./b/../c/", true, "/a/c/"),
        ("/example space/", true, "/example%20space/"),
        ("/%20", true, "/%2520"),
        ("/\u{1234}", true, "/%E1%88%B4"),
        ("//", false, "//"),
        ("/./example", false, "/./example"),
        ("/example/..", false, "/example/.."),
        ("//example//", false, "//example//"),
        ("", false, "/"),
        // S3 (not normalised): each segment is encoded once, whether it arrives encoded or raw.
        ("/bucket/a%20b", false, "/bucket/a%20b"),
        ("/bucket/a b", false, "/bucket/a%20b"),
        ("/bucket/100%25/x%2By", false, "/bucket/100%25/x%2By"),
        ("/bucket/%E1%88%B4", false, "/bucket/%E1%88%B4"),
        ("/bucket/50%", false, "/bucket/50%25"),
    ])
    func pathCanonicalization(path: String, normalize: Bool, expected: String) {
        #expect(SigV4URL.canonicalize(path: path, normalize: normalize) == expected)
    }

    @Test(arguments: [
        ("", ""),
        ("b=2&a=1", "a=1&b=2"),
        ("a=2&a=1", "a=1&a=2"),
        ("flag", "flag="),
        ("a=x=y", "a=x%3Dy"),
        ("k=a+b", "k=a%2Bb"),
        ("k=%7e%2f", "k=~%2F"),
        ("k=%FF", "k=%FF"),
        ("k=%zz", "k=%25zz"),
        ("Param-3=3&Param=2&%E1%88%B4=1", "%E1%88%B4=1&Param=2&Param-3=3"),
        ("a=1&&b=2", "a=1&b=2"),
    ])
    func queryCanonicalization(query: String, expected: String) {
        #expect(SigV4URL.canonicalize(query: query) == expected)
    }

    @Test(arguments: [
        (0.0, "19700101T000000Z"),
        (951_782_400.0, "20000229T000000Z"),
        (1_440_938_160.9, "20150830T123600Z"),
        (4_102_444_799.0, "20991231T235959Z"),
    ])
    func timestamps(seconds: Double, expected: String) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(SigV4Signer.timestamp(date) == expected)
        #expect(SigV4Signer.day(date) == String(expected.prefix(8)))
    }

    @Test func signingAgainReplacesTheOldSignature() throws {
        let signer = SigV4Signer(credentials: Self.docsCredentials, region: "us-east-1", service: "sts")
        let request = HTTPRequest(method: "POST", url: "https://sts.us-east-1.amazonaws.com/", body: Array("a=b".utf8))
        let once = try signer.signed(request, date: Self.docsDate)
        let twice = try signer.signed(once, date: Self.docsDate)
        #expect(twice == once)
        #expect(twice.headers.filter { $0.name.lowercased() == "authorization" }.count == 1)
        #expect(once.header("host") == "sts.us-east-1.amazonaws.com")
        let later = try signer.signed(once, date: Self.docsDate.addingTimeInterval(60))
        #expect(later.header("x-amz-date") == "20150830T123700Z")
        #expect(later.header("authorization") != once.header("authorization"))
    }

    @Test(arguments: [true, false])
    func sessionTokenIsSentAndSignedOnlyWhenAsked(signsToken: Bool) throws {
        var credentials = Self.docsCredentials
        credentials.sessionToken = "TOKEN"
        let signer = SigV4Signer(
            credentials: credentials, region: "us-east-1", service: "ec2", signsSessionToken: signsToken)
        let signed = try signer.signed(
            HTTPRequest(method: "GET", url: "https://ec2.amazonaws.com/"), date: Self.docsDate)
        #expect(signed.header("x-amz-security-token") == "TOKEN")
        let authorization = try #require(signed.header("authorization"))
        #expect(authorization.contains("x-amz-security-token") == signsToken)
    }

    @Test func contentHashHeaderIsAddedOnlyWhenAsked() throws {
        let request = HTTPRequest(method: "POST", url: "https://example.amazonaws.com/", body: Array("abc".utf8))
        let plain = SigV4Signer(credentials: Self.docsCredentials, region: "us-east-1", service: "s")
        #expect(try plain.signed(request, date: Self.docsDate).header("x-amz-content-sha256") == nil)
        var hashing = plain
        hashing.addsContentSHA256Header = true
        let signed = try hashing.signed(request, date: Self.docsDate)
        #expect(
            signed.header("x-amz-content-sha256")
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test(arguments: [
        "example.com/", "ftp://example.com/", "https://", "https:///path", "https://h/a#frag", "", "https://user@h/",
    ])
    func unusableURLsAreConfigurationErrors(url: String) {
        let signer = SigV4Signer(credentials: Self.docsCredentials, region: "us-east-1", service: "iam")
        #expect(throws: AWSError.self) {
            try signer.signed(HTTPRequest(method: "GET", url: url), date: Self.docsDate)
        }
        #expect(throws: AWSError.self) {
            try signer.presigned(HTTPRequest(method: "GET", url: url), date: Self.docsDate, expires: 60)
        }
    }

    @Test(arguments: [0, -1, 604_801])
    func presignRejectsExpiryOutOfRange(expires: Int) {
        let signer = SigV4Signer(credentials: Self.docsCredentials, region: "us-east-1", service: "iam")
        let request = HTTPRequest(method: "GET", url: "https://iam.amazonaws.com/")
        #expect {
            try signer.presigned(request, date: Self.docsDate, expires: expires)
        } throws: { error in
            guard case .configuration(let detail) = error as? AWSError else { return false }
            return detail.contains("\(expires)")
        }
    }

    @Test func presignAppendsToAnExistingQuery() throws {
        let signer = SigV4Signer(credentials: Self.docsCredentials, region: "us-east-1", service: "iam")
        let request = HTTPRequest(method: "GET", url: "https://iam.amazonaws.com/?Action=ListUsers")
        let url = try signer.presignedURL(request, date: Self.docsDate, expires: 604_800)
        #expect(url.hasPrefix("https://iam.amazonaws.com/?Action=ListUsers&X-Amz-Algorithm=AWS4-HMAC-SHA256&"))
        #expect(url.contains("&X-Amz-Expires=604800&X-Amz-Signature="))
        #expect(SigV4Signer.appending([("a", "b c")], to: "https://h/?") == "https://h/?a=b%20c")
        #expect(SigV4Signer.appending([("a", "/")], to: "https://h/") == "https://h/?a=%2F")
    }

    @Test(arguments: [
        HTTPField("X-Evil", "a\r\nInjected: yes"),
        HTTPField("X-Evil", "a\nb"),
        HTTPField("X-Nul", "a\u{0}b"),
        HTTPField("", "v"),
        HTTPField("Bad Name", "v"),
        HTTPField("Bad:Name", "v"),
    ])
    func headersThatCannotBeSentAsSignedAreRejected(field: HTTPField) {
        let signer = SigV4Signer(credentials: Self.docsCredentials, region: "us-east-1", service: "iam")
        let request = HTTPRequest(method: "GET", url: "https://iam.amazonaws.com/", headers: [field])
        #expect(throws: AWSError.self) { try signer.signed(request, date: Self.docsDate) }
        #expect(throws: AWSError.self) { try signer.presigned(request, date: Self.docsDate, expires: 60) }
    }
}
