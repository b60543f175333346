import Testing

@testable import EC2SSHCore

@Suite struct FleetEnvelopeTests {
    static let envelope = FleetEnvelope(
        manifestBytes: Array("{m}".utf8), signature: [0x30, 0x45, 0xff], snapshot: Array("S\n".utf8))

    @Test func writesTheDocumentedHeader() throws {
        let text = String(decoding: Self.envelope.encoded(), as: UTF8.self)
        #expect(text == "aws-ec2-ssh-snapshot 1\nmanifest e219\nsignature MEX/\n\nS\n")
        #expect(try FleetEnvelope.decode(Self.envelope.encoded()) == Self.envelope)
    }

    @Test func unsignedRoundTrips() throws {
        let unsigned = FleetEnvelope(manifestBytes: [1], signature: nil, snapshot: [])
        #expect(
            String(decoding: unsigned.encoded(), as: UTF8.self)
                == "aws-ec2-ssh-snapshot 1\nmanifest AQ==\nsignature -\n\n")
        #expect(try FleetEnvelope.decode(unsigned.encoded()) == unsigned)
    }

    @Test func headerGivesTheSnapshotOffset() throws {
        let bytes = Self.envelope.encoded()
        let header = try bytes.withUnsafeBufferPointer { try FleetEnvelope.header(of: $0) }
        #expect(Array(bytes[header.snapshotOffset...]) == Array("S\n".utf8))
    }

    static let refused: [(String, String, Int?, String)] = [
        ("empty", "", 1, "truncated"),
        ("other file", "{\"format\":1}\n\n\n\n", 1, "not an aws-ec2-ssh snapshot"),
        ("version 2", "aws-ec2-ssh-snapshot 2\nmanifest e219\nsignature -\n\n", 1, "unknown envelope version"),
        ("truncated header", "aws-ec2-ssh-snapshot 1\nmanifest e2", 2, "truncated"),
        ("no empty line", "aws-ec2-ssh-snapshot 1\nmanifest e219\nsignature -\nS\n", 4, "empty line"),
        ("wrong base64", "aws-ec2-ssh-snapshot 1\nmanifest e21\nsignature -\n\n", 2, "base64"),
        ("base64 with space", "aws-ec2-ssh-snapshot 1\nmanifest e2 9\nsignature -\n\n", 2, "base64"),
        ("non-canonical base64", "aws-ec2-ssh-snapshot 1\nmanifest e21=\nsignature -\n\n", 2, "base64"),
        ("empty manifest", "aws-ec2-ssh-snapshot 1\nmanifest \nsignature -\n\n", 2, "base64"),
        ("bad signature base64", "aws-ec2-ssh-snapshot 1\nmanifest e219\nsignature ***\n\n", 3, "base64"),
        ("empty signature", "aws-ec2-ssh-snapshot 1\nmanifest e219\nsignature \n\n", 3, "base64"),
        ("lines swapped", "aws-ec2-ssh-snapshot 1\nsignature -\nmanifest e219\n\n", 2, "manifest"),
        ("CRLF", "aws-ec2-ssh-snapshot 1\r\nmanifest e219\r\nsignature -\r\n\r\n", 1, "unknown envelope version"),
    ]

    @Test(arguments: refused)
    func refusesABrokenHeader(label: String, text: String, line: Int?, phrase: String) {
        do {
            let envelope = try FleetEnvelope.decode(Array(text.utf8))
            Issue.record("\(label): accepted \(envelope)")
        } catch {
            #expect(error.part == "envelope")
            #expect(error.line == line, "\(label): \(error)")
            #expect(error.message.contains(phrase), "\(label): \(error)")
        }
    }

    @Test func aHeaderLongerThan8KiBIsRefusedWithoutReadingFurther() {
        let text = "aws-ec2-ssh-snapshot 1\nmanifest " + String(repeating: "A", count: 9000) + "\nsignature -\n\n"
        #expect(throws: FleetFormatError("envelope", line: 2, "the header is longer than 8192 bytes")) {
            try FleetEnvelope.decode(Array(text.utf8))
        }
    }
}
