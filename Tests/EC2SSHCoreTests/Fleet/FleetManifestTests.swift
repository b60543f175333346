import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct FleetManifestTests {
    static let manifest = FleetManifest(
        serial: 42, generated: FleetFixtures.generated, bucket: "b", key: "k", length: 12345,
        sha256: Array(0..<32))
    static let text =
        #"{"format":1,"serial":42,"generated":"2026-11-30T12:00:00Z","bucket":"b","key":"k","length":12345,"#
        + #""sha256":"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f","algorithm":"ECDSA_SHA_256"}"#

    @Test func writesTheDocumentedLine() throws {
        #expect(String(decoding: try Self.manifest.encoded(), as: UTF8.self) == Self.text)
        #expect(try FleetManifest.decode(Array(Self.text.utf8)) == Self.manifest)
    }

    @Test func hostileBucketAndKeyRoundTrip() throws {
        var manifest = Self.manifest
        manifest.key = "a\"b\\c\n\u{1}é/"
        #expect(try FleetManifest.decode(manifest.encoded()) == manifest)
    }

    @Test func refusesToWriteMoreThan4096Bytes() {
        var manifest = Self.manifest
        manifest.key = String(repeating: "k", count: 4000)
        #expect(throws: FleetFormatError.self) { try manifest.encoded() }
        manifest.key = String(repeating: "\u{1}", count: 700)  // 4,200 bytes once escaped
        #expect(throws: FleetFormatError.self) { try manifest.encoded() }
    }

    static let refused: [(String, String, String)] = [
        ("format 2", text.replacingFirst(#""format":1"#, #""format":2"#), "unknown manifest format 2"),
        ("upper-case hex", text.replacingFirst("0a0b", "0A0B"), "64 lowercase hex"),
        ("short digest", text.replacingFirst("1e1f", ""), "64 lowercase hex"),
        ("other algorithm", text.replacingFirst("ECDSA_SHA_256", "RSASSA_PSS_SHA_256"), "unknown signing algorithm"),
        ("field order", text.replacingFirst(#""bucket":"b","key":"k""#, #""key":"k","bucket":"b""#), "expected"),
        ("trailing", text + " ", "after the end"),
        ("two lines", text + "\n", "one line"),
        (
            "over 4096 bytes",
            text.replacingFirst(#""key":"k""#, #""key":""# + String(repeating: "k", count: 4000) + "\""),
            "longer than 4096"
        ),
        ("empty", "", "expected"),
    ]

    @Test(arguments: refused)
    func refusesAnythingElse(label: String, text: String, phrase: String) {
        do {
            let manifest = try FleetManifest.decode(Array(text.utf8))
            Issue.record("\(label): accepted \(manifest)")
        } catch {
            #expect(error.part == "manifest")
            #expect(error.message.contains(phrase), "\(label): \(error)")
        }
    }
}
