import Testing

@testable import EC2SSHCore

/// The decoder accepts exactly what the encoder writes: every deviation is an error naming its line.
@Suite struct FleetSnapshotDecoderTests {
    static let header = #"{"format":1,"serial":42,"generated":"2026-11-30T12:00:00Z","groups":["#
    static let admins = #"{"name":"admins","id":"G1","arn":"a"}"#
    static let devs = #"{"name":"devs","id":"G2","arn":"a"}"#
    static let users = #"],"users":["#

    static func user(_ name: String, groups: String = "", rest: String = #""tags":{},"keys":[]"#) -> String {
        #"{"name":"# + name + #","id":"U","arn":"a","path":"/","groups":["# + groups + "]," + rest + "}"
    }

    static let valid = [
        header, admins + ",", devs, users, user("\"alice\"", groups: "\"admins\"") + ",",
        user("\"bob\""), "]}", "",
    ].joined(separator: "\n")

    @Test func theBaseDocumentDecodes() throws {
        let snapshot = try FleetSnapshotCodec.decode(Array(Self.valid.utf8))
        #expect(snapshot.users.map(\.name) == ["alice", "bob"])
        #expect(snapshot.groups.map(\.name) == ["admins", "devs"])
        #expect(try FleetSnapshotCodec.encode(snapshot) == Array(Self.valid.utf8))
    }

    /// (label, document, line the error names (nil: whole snapshot), a phrase of the message).
    static let cases: [(String, String, Int?, String)] = [
        ("empty", "", nil, "empty"),
        ("unknown format", Self.valid.replacingFirst(#""format":1"#, #""format":2"#), 1, "unknown snapshot format 2"),
        ("leading zero", Self.valid.replacingFirst(#""serial":42"#, #""serial":042"#), 1, "leading zero"),
        ("serial overflow", Self.valid.replacingFirst("42", "18446744073709551616"), 1, "64 bits"),
        ("negative serial", Self.valid.replacingFirst("42", "-1"), 1, "not a number"),
        ("bad date", Self.valid.replacingFirst("2026-11-30", "2026-02-30"), 1, "timestamp"),
        ("fractional date", Self.valid.replacingFirst("12:00:00Z", "12:00:00.5Z"), 1, "timestamp"),
        ("space", Self.valid.replacingFirst(#""serial":42"#, #""serial": 42"#), 1, "not a number"),
        (
            "field order", Self.valid.replacingFirst(#"{"name":"admins","id":"G1""#, #"{"id":"G1","name":"admins""#), 2,
            "expected"
        ),
        ("unsorted groups", [header, devs + ",", admins, users, "]}", ""].joined(separator: "\n"), 3, "not sorted"),
        (
            "duplicate group", [header, admins + ",", admins, users, "]}", ""].joined(separator: "\n"), 3,
            "duplicate group"
        ),
        ("missing comma", Self.valid.replacingFirst(Self.admins + ",", Self.admins), 3, "does not end with a comma"),
        ("trailing comma", Self.valid.replacingFirst(Self.devs, Self.devs + ","), 4, "ends with a comma"),
        (
            "unsorted users",
            [header, users, user("\"bob\"") + ",", user("\"alice\""), "]}", ""].joined(separator: "\n"),
            4, "not sorted"
        ),
        (
            "duplicate user",
            [header, users, user("\"bob\"") + ",", user("\"bob\""), "]}", ""].joined(separator: "\n"), 4,
            "duplicate user"
        ),
        ("unlisted group", Self.valid.replacingFirst(#"["admins"]"#, #"["ops"]"#), 5, "not listed"),
        ("unsorted memberships", Self.valid.replacingFirst(#"["admins"]"#, #"["devs","admins"]"#), 5, "not sorted"),
        ("unsorted tags", Self.valid.replacingFirst(#""tags":{}"#, #""tags":{"b":"1","a":"2"}"#), 5, "not sorted"),
        ("duplicate tag", Self.valid.replacingFirst(#""tags":{}"#, #""tags":{"a":"1","a":"2"}"#), 5, "not sorted"),
        (
            "equivalent tags", Self.valid.replacingFirst(#""tags":{}"#, "\"tags\":{\"e\u{301}\":\"1\",\"é\":\"2\"}"), 5,
            "not unique"
        ),
        ("unsorted keys", Self.valid.replacingFirst(#""keys":[]"#, Self.keys("B", "A")), 5, "not sorted by id"),
        ("escaped slash", Self.valid.replacingFirst(#""alice""#, #""al\/ice""#), 5, "escape"),
        ("short escape", Self.valid.replacingFirst(#""alice""#, #""al\nice""#), 5, "escape"),
        ("uppercase hex escape", Self.valid.replacingFirst(#""alice""#, #""al\u001Fice""#), 5, "escape"),
        ("escaped letter", Self.valid.replacingFirst(#""alice""#, #""\u0061lice""#), 5, "escape"),
        ("raw control", Self.valid.replacingFirst(#""alice""#, "\"al\tice\""), 5, "control character"),
        ("invalid UTF-8", Self.valid.replacingFirst("alice", "al\u{FFFD}ice"), 5, "UTF-8"),
        ("extra field", Self.valid.replacingFirst(#""keys":[]}"#, #""keys":[],"x":1}"#), 5, "expected"),
        ("trailing bytes", Self.valid + "x\n", 8, "follow the last line"),
        ("truncated in the groups", String(Self.valid.prefix(80)), 2, "truncated"),
        ("truncated before the end", Self.valid.replacingFirst("]}\n", ""), 6, "truncated"),
        ("no final line feed", String(Self.valid.dropLast()), 7, "line feed"),
        ("empty user name", [header, users, user("\"\""), "]}", ""].joined(separator: "\n"), 3, "empty"),
        (
            "empty group name", [header, #"{"name":"","id":"G","arn":"a"}"#, users, "]}", ""].joined(separator: "\n"),
            2,
            "empty"
        ),
        ("empty key id", Self.valid.replacingFirst(#""keys":[]"#, Self.keys("")), 5, "empty"),
    ]

    static func keys(_ ids: String...) -> String {
        #""keys":["#
            + ids.map { #"{"id":""# + $0 + #"","body":"b","fingerprint":"f","uploaded":"2026-01-01T00:00:00Z"}"# }
            .joined(separator: ",") + "]"
    }

    @Test(arguments: cases)
    func refusesWithTheLine(label: String, document: String, line: Int?, phrase: String) {
        var bytes = Array(document.utf8)
        if label == "invalid UTF-8" {
            bytes = Array(document.replacingFirst("\u{FFFD}", "\u{1}").utf8).map { $0 == 1 ? 0xff : $0 }
        }
        do {
            let snapshot = try FleetSnapshotCodec.decode(bytes)
            Issue.record("\(label): accepted \(snapshot)")
        } catch {
            #expect(error.part == "snapshot", "\(label)")
            #expect(error.line == line, "\(label): \(error)")
            #expect(error.message.contains(phrase), "\(label): \(error)")
        }
    }

    @Test func refusesAnOverlongLineWithoutReadingPastTheBound() {
        let long = [Self.header, String(repeating: " ", count: FleetSnapshotCodec.maximumLineLength + 1)].joined(
            separator: "\n")
        #expect(throws: FleetFormatError("snapshot", line: 2, "the line is longer than 262144 bytes")) {
            try FleetSnapshotCodec.decode(Array(long.utf8))
        }
    }
}

extension String {
    /// `self` with the first occurrence of `target` replaced (the unchanged string when there is none).
    func replacingFirst(_ target: String, _ replacement: String) -> String {
        let bytes = Array(utf8)
        let needle = Array(target.utf8)
        guard !needle.isEmpty, bytes.count >= needle.count else { return self }
        for start in 0...(bytes.count - needle.count) where bytes[start..<(start + needle.count)].elementsEqual(needle)
        {
            return String(
                decoding: bytes[..<start] + Array(replacement.utf8) + bytes[(start + needle.count)...], as: UTF8.self)
        }
        return self
    }
}
