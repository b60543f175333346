import Testing

@testable import EC2SSHCore

@Suite struct FleetSnapshotLookupTests {
    @Test(arguments: [0, 1, 2, 3, 10, 257, 2000])
    func findsEveryUserAndNoOther(count: Int) throws {
        let snapshot = FleetFixtures.large(count: count)
        let bytes = try FleetSnapshotCodec.encode(snapshot)
        for user in snapshot.users {
            #expect(try FleetSnapshotLookup.user(named: user.name, in: bytes) == user)
        }
        for absent in ["", "0", "u", "u1x", "zzz", "g", "\"", "u\u{0}"]
        where !snapshot.users.contains(where: {
            $0.name == absent
        }) {
            #expect(try FleetSnapshotLookup.user(named: absent, in: bytes) == nil)
        }
    }

    @Test(arguments: FleetSnapshotCodecTests.hostileNames)
    func findsNamesThatNeedEscaping(name: String) throws {
        let names = ([name, "a", "zz", "m\"q"]).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let snapshot = FleetSnapshot(
            serial: 1, generated: FleetFixtures.generated,
            users: names.map { FleetFixtures.user($0, groups: [], tags: [$0: $0], keys: 1) }, groups: [])
        let bytes = try FleetSnapshotCodec.encode(snapshot)
        for user in snapshot.users {
            let found = try FleetSnapshotLookup.user(named: user.name, in: bytes)
            #expect(found.map { Array($0.name.utf8) } == Array(user.name.utf8))
            #expect(found == user)
        }
    }

    /// Names whose escaped JSON sorts differently from their bytes: a quote, a backslash or a control character
    /// next to a name that continues with a byte below the closing quote (`!`, space) or above the backslash.
    static let escapeOrderNames = [
        "a", "a\u{1}", "a\n", "a ", "a!", "a\"", "a\"b", "a#", "a\\", "a\\b", "a]", "ab", "a\u{7f}", "a\"!",
        "a!\"", "é", "\"", "\\", "!", " ",
    ]

    /// Every subset order: the lookup compares raw names, as the codec sorts them, not their escaped form.
    @Test(arguments: 1...escapeOrderNames.count)
    func findsEveryNameWhoseEscapedFormSortsDifferently(count: Int) throws {
        let names = Array(Self.escapeOrderNames.prefix(count))
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let snapshot = FleetSnapshot(
            serial: 1, generated: FleetFixtures.generated,
            users: names.map { FleetFixtures.user($0, groups: [], tags: [:], keys: 1) }, groups: [])
        let bytes = try FleetSnapshotCodec.encode(snapshot)
        for user in snapshot.users {
            #expect(try FleetSnapshotLookup.user(named: user.name, in: bytes) == user, "\(user.name.debugDescription)")
        }
        for absent in Self.escapeOrderNames.dropFirst(count) + ["a\"c", "a\\c", "a\u{0}", "b"] {
            #expect(try FleetSnapshotLookup.user(named: absent, in: bytes) == nil, "\(absent.debugDescription)")
        }
    }

    @Test func aCanonicallyEquivalentNameIsNotTheSameUser() throws {
        let snapshot = FleetSnapshot(
            serial: 1, generated: FleetFixtures.generated,
            users: [FleetFixtures.user("é", groups: [], tags: [:], keys: 0)], groups: [])
        let bytes = try FleetSnapshotCodec.encode(snapshot)
        #expect(try FleetSnapshotLookup.user(named: "e\u{301}", in: bytes) == nil)
    }

    /// Corrupt bytes: the lookup throws, it never answers from them.
    static let corrupt: [(String, String)] = [
        (
            "no trailer",
            "{\"format\":1,\"serial\":1,\"generated\":\"2026-11-30T12:00:00Z\",\"groups\":[\n],\"users\":[\n"
        ),
        ("no users line", "{\"format\":1}\n]}\n"),
        ("user line without prefix", "h\n],\"users\":[\n{\"id\":\"x\"}\n]}\n"),
        ("unterminated name", "h\n],\"users\":[\n{\"name\":\"alice\n]}\n"),
        ("bad record", "h\n],\"users\":[\n{\"name\":\"alice\",\"id\":1}\n]}\n"),
    ]

    @Test(arguments: corrupt)
    func corruptBytesAreAnError(label: String, text: String) {
        #expect(throws: FleetFormatError.self, "\(label)") {
            try FleetSnapshotLookup.user(named: "alice", in: Array(text.utf8))
        }
    }
}
