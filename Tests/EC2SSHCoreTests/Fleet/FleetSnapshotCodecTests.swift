import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct FleetSnapshotCodecTests {
    @Test func writesTheDocumentedLayout() throws {
        let text = String(decoding: try FleetSnapshotCodec.encode(FleetFixtures.snapshot()), as: UTF8.self)
        let alice =
            #"{"name":"alice","id":"AIDA5","arn":"arn:aws:iam::123456789012:user/alice","path":"/","groups":["admins","devs"],"tags":{"expires":"2027-01-01","team":"blue"},"keys":["#
            + #"{"id":"APKA5X0","body":"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI0 alice","fingerprint":"aa:bb:0","uploaded":"2026-01-01T00:00:00Z"},"#
            + #"{"id":"APKA5X1","body":"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI1 alice","fingerprint":"aa:bb:1","uploaded":"2026-01-01T00:00:00Z"}]},"#
        let expected = [
            #"{"format":1,"serial":42,"generated":"2026-11-30T12:00:00Z","groups":["#,
            #"{"name":"admins","id":"AGPA6","arn":"arn:aws:iam::123456789012:group/admins"},"#,
            #"{"name":"devs","id":"AGPA4","arn":"arn:aws:iam::123456789012:group/devs"}"#,
            #"],"users":["#,
            alice,
            #"{"name":"bob","id":"AIDA3","arn":"arn:aws:iam::123456789012:user/bob","path":"/","groups":[],"tags":{},"keys":[]}"#,
            "]}", "",
        ]
        #expect(text == expected.joined(separator: "\n"))
    }

    @Test func emptySnapshotRoundTrips() throws {
        let empty = FleetSnapshot(serial: 0, generated: Date(timeIntervalSince1970: 0), users: [], groups: [])
        let bytes = try FleetSnapshotCodec.encode(empty)
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "{\"format\":1,\"serial\":0,\"generated\":\"1970-01-01T00:00:00Z\",\"groups\":[\n],\"users\":[\n]}\n"
        )
        #expect(try FleetSnapshotCodec.decode(bytes) == empty)
    }

    /// Names and values that must survive exactly: quotes, backslashes, every control character, DEL, non-ASCII,
    /// canonically equivalent but different byte strings, a would-be line break and a fake record inside a string.
    static let hostileNames: [String] = [
        "a\"b", "back\\slash", "\\\"", "line\nbreak", "tab\t", "nul\u{0}", "del\u{7f}", "é", "e\u{301}", "😀",
        "],\"users\":[", "{\"name\":\"x\"}", "/slash", "\u{1f}\u{1}", "\u{2028}",
    ]

    @Test(arguments: hostileNames)
    func hostileStringsRoundTripExactly(name: String) throws {
        let user = FleetFixtures.user(name, groups: [name], tags: [name: name], keys: 1)
        var withBody = user
        withBody.keys[0].body = name
        let snapshot = FleetSnapshot(
            serial: 1, generated: FleetFixtures.generated, users: [withBody], groups: [FleetFixtures.group(name)])
        let bytes = try FleetSnapshotCodec.encode(snapshot)
        let decoded = try FleetSnapshotCodec.decode(bytes)
        #expect(decoded == snapshot)
        #expect(Array(decoded.users[0].name.utf8) == Array(name.utf8))
        #expect(try FleetSnapshotCodec.encode(decoded) == bytes)
        #expect(bytes.split(separator: 0x0a).count == 5, "every record stays on its line")
        #expect(!bytes.contains { $0 < 0x20 && $0 != 0x0a }, "no raw control character")
    }

    @Test func escapesExactlyTheDocumentedCharacters() throws {
        let name = "q\"b\\n\n\u{1f}/é\u{7f}"
        let snapshot = FleetSnapshot(
            serial: 1, generated: FleetFixtures.generated,
            users: [FleetFixtures.user(name, groups: [], tags: [:], keys: 0)], groups: [])
        let text = String(decoding: try FleetSnapshotCodec.encode(snapshot), as: UTF8.self)
        #expect(text.contains(#"{"name":"q\"b\\n\u000a\u001f/é"# + "\u{7f}\","))
    }

    @Test func equalSnapshotsGiveEqualBytes() throws {
        var tags: [String: String] = [:]
        for number in 0..<50 { tags["tag\(number)"] = "v\(number)" }
        var reordered: [String: String] = [:]
        for number in (0..<50).reversed() { reordered["tag\(number)"] = "v\(number)" }
        func snapshot(_ tags: [String: String]) -> FleetSnapshot {
            FleetSnapshot(
                serial: 3, generated: FleetFixtures.generated,
                users: [FleetFixtures.user("u", groups: [], tags: tags, keys: 0)], groups: [])
        }
        #expect(try FleetSnapshotCodec.encode(snapshot(tags)) == FleetSnapshotCodec.encode(snapshot(reordered)))
    }

    @Test func largeSnapshotRoundTrips() throws {
        let snapshot = FleetFixtures.large(count: 1000)
        #expect(try FleetSnapshotCodec.decode(FleetSnapshotCodec.encode(snapshot)) == snapshot)
    }

    /// Snapshots the encoder refuses to write, with a word its message must contain.
    static let unwritable: [(String, FleetSnapshot, String)] = {
        let base = FleetFixtures.snapshot()
        var unsortedUsers = base
        unsortedUsers.users.reverse()
        var duplicateGroups = base
        duplicateGroups.groups = [FleetFixtures.group("a"), FleetFixtures.group("a")]
        duplicateGroups.users = []
        var unknownGroup = base
        unknownGroup.users[1].groups = ["nobody-lists-me"]
        var unsortedMemberships = base
        unsortedMemberships.users[0].groups.reverse()
        var unsortedKeys = base
        unsortedKeys.users[0].keys.reverse()
        var fractional = base
        fractional.generated = Date(timeIntervalSince1970: 1.5)
        var keyDate = base
        keyDate.users[0].keys[0].uploaded = Date(timeIntervalSince1970: -1)
        var emptyName = base
        emptyName.users[0].name = ""
        var emptyKeyID = base
        emptyKeyID.users[0].keys = [FleetKey(id: "", body: "b", fingerprint: "f", uploaded: FleetFixtures.uploaded)]
        var longLine = base
        longLine.users[0].keys[0].body = String(repeating: "A", count: FleetSnapshotCodec.maximumLineLength)
        return [
            ("unsorted users", unsortedUsers, "user names are not sorted"),
            ("duplicate groups", duplicateGroups, "group names are not sorted and unique"),
            ("unlisted group", unknownGroup, "not listed"),
            ("unsorted memberships", unsortedMemberships, "groups of user \"alice\""),
            ("unsorted keys", unsortedKeys, "key ids of user"),
            ("fraction of a second", fractional, "whole second"),
            ("key date before 1970", keyDate, "upload date"),
            ("empty user name", emptyName, "empty"),
            ("empty key id", emptyKeyID, "empty"),
            ("line too long", longLine, "longer than"),
        ]
    }()

    @Test(arguments: unwritable)
    func encoderRefusesWhatReadersWouldRefuse(label: String, snapshot: FleetSnapshot, message: String) {
        #expect(throws: FleetFormatError.self, "\(label)") { try FleetSnapshotCodec.encode(snapshot) }
        do {
            _ = try FleetSnapshotCodec.encode(snapshot)
        } catch {
            #expect(error.description.contains(message), "\(label): \(error)")
        }
    }
}
