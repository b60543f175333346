import Testing

@testable import AWSCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The official AWS SigV4 test suite (from aws-c-auth, Apache-2.0: see its LICENSE and NOTICE), kept in this
/// repository under `Tests/AWSCoreTests/Fixtures/aws-sigv4-test-suite` so a plain clone needs nothing beside it.
enum SigV4Suite {
    /// The suite has 38 case directories (plus LICENSE and NOTICE); finding fewer means a broken checkout.
    static let expectedCaseCount = 38

    /// The suite directory, `Tests/AWSCoreTests/Fixtures/aws-sigv4-test-suite` (this file is in `Signing/`).
    ///
    /// There is no fallback: a checkout that lacks it fails `suiteIsPresentAndComplete` rather than skipping.
    static let directory: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)  // Signing/SigV4SuiteTests.swift
        return (parts + ["Fixtures", "aws-sigv4-test-suite"]).joined(separator: "/")
    }()

    /// The names of the case directories (those holding a `request.txt`), sorted.
    static func caseNames() -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            if access("\(directory)/\(name)/request.txt", R_OK) == 0 { names.append(name) }
        }
        return names.sorted()
    }

    /// The bytes of `file` in case `name`; throws when it is missing.
    static func bytes(_ name: String, _ file: String) throws -> [UInt8] {
        let path = "\(directory)/\(name)/\(file)"
        guard let bytes = try SystemFileReader().contents(atPath: path) else {
            throw SigV4RequestText.ParseError(description: "missing suite file \(path)")
        }
        return bytes
    }

    /// The text of `file` in case `name`.
    static func text(_ name: String, _ file: String) throws -> String {
        String(decoding: try bytes(name, file), as: UTF8.self)
    }

    /// Whether case `name` has the query (presigned URL) files.
    static func hasQueryFiles(_ name: String) -> Bool {
        access("\(directory)/\(name)/query-signed-request.txt", R_OK) == 0
    }
}

/// `context.json` of one suite case.
struct SigV4SuiteContext: Decodable {
    struct Keys: Decodable {
        var accessKeyId: String
        var secretAccessKey: String
        var token: String?
    }

    var credentials: Keys
    var expirationInSeconds: Int
    var normalize: Bool
    var region: String
    var service: String
    var signBody: Bool
    var timestamp: String
    var omitSessionToken: Bool?

    static func load(_ name: String) throws -> SigV4SuiteContext {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(SigV4SuiteContext.self, from: Data(try SigV4Suite.bytes(name, "context.json")))
    }

    var signer: SigV4Signer {
        SigV4Signer(
            credentials: Credentials(
                accessKeyID: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
                sessionToken: credentials.token),
            region: region, service: service, normalizesPath: normalize,
            signsSessionToken: !(omitSessionToken ?? false), addsContentSHA256Header: signBody)
    }

    func date() throws -> Date {
        try Date(timestamp, strategy: .iso8601)
    }
}

@Suite struct SigV4SuiteTests {
    @Test func suiteIsPresentAndComplete() throws {
        let directory = SigV4Suite.directory
        let count = SigV4Suite.caseNames().count
        #expect(
            count >= SigV4Suite.expectedCaseCount,
            "AWS SigV4 test suite: \(count) cases in \(directory), expected \(SigV4Suite.expectedCaseCount); it is part of the repository: restore it with git checkout -- Tests/AWSCoreTests/Fixtures"
        )
        for file in ["LICENSE", "NOTICE"] {
            #expect(access("\(directory)/\(file)", R_OK) == 0, "the suite's \(file) is missing from \(directory)")
        }
    }

    @Test func timestampParsesToSuiteDate() throws {
        let context = try SigV4SuiteContext.load("get-vanilla")
        #expect(SigV4Signer.timestamp(try context.date()) == "20150830T123600Z")
    }

    @Test(arguments: SigV4Suite.caseNames())
    func headerSigning(name: String) throws {
        let context = try SigV4SuiteContext.load(name)
        let signer = context.signer
        let date = try context.date()
        let request = try SigV4RequestText(try SigV4Suite.bytes(name, "request.txt")).httpRequest()

        let canonical = try signer.canonicalRequest(try signer.prepared(request, date: date))
        #expect(canonical.text == (try SigV4Suite.text(name, "header-canonical-request.txt")))
        let toSign = signer.stringToSign(canonicalRequest: canonical.text, date: date)
        #expect(toSign == (try SigV4Suite.text(name, "header-string-to-sign.txt")))
        let signature = signer.signature(stringToSign: toSign, date: date)
        #expect(signature == (try SigV4Suite.text(name, "header-signature.txt")))

        let expected = try SigV4RequestText(try SigV4Suite.bytes(name, "header-signed-request.txt"))
        let signed = try signer.signed(request, date: date)
        #expect(signed.header("Authorization") == expected.headers.first { $0.name == "Authorization" }?.value)
        #expect(signed == (try expected.httpRequest()))
    }

    @Test(arguments: SigV4Suite.caseNames().filter(SigV4Suite.hasQueryFiles))
    func querySigning(name: String) throws {
        let context = try SigV4SuiteContext.load(name)
        let signer = context.signer
        let date = try context.date()
        let expires = context.expirationInSeconds
        let request = try SigV4RequestText(try SigV4Suite.bytes(name, "request.txt")).httpRequest()

        let prepared = try signer.presigningRequest(request, date: date, expires: expires)
        let canonical = try signer.canonicalRequest(prepared)
        #expect(canonical.text == (try SigV4Suite.text(name, "query-canonical-request.txt")))
        let toSign = signer.stringToSign(canonicalRequest: canonical.text, date: date)
        #expect(toSign == (try SigV4Suite.text(name, "query-string-to-sign.txt")))
        let signature = signer.signature(stringToSign: toSign, date: date)
        #expect(signature == (try SigV4Suite.text(name, "query-signature.txt")))

        let expected = try SigV4RequestText(try SigV4Suite.bytes(name, "query-signed-request.txt"))
        let presigned = try signer.presigned(request, date: date, expires: expires)
        #expect(presigned == (try expected.httpRequest()))
        #expect(try signer.presignedURL(request, date: date, expires: expires) == presigned.url)
    }
}
