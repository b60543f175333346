#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Writes and reads the bytes of a fleet snapshot, format version 1: canonical JSON, one record per line.
///
/// ```
/// {"format":1,"serial":42,"generated":"2026-11-30T12:00:00Z","groups":[
/// {"name":"admins","id":"AGPA1","arn":"arn:aws:iam::123456789012:group/admins"},
/// {"name":"devs","id":"AGPA2","arn":"arn:aws:iam::123456789012:group/devs"}
/// ],"users":[
/// {"name":"alice","id":"AIDA1","arn":"…","path":"/","groups":["admins"],"tags":{"k":"v"},"keys":[{"id":"APKA1","body":"ssh-ed25519 AAAA…","fingerprint":"…","uploaded":"2026-01-01T00:00:00Z"}]},
/// {"name":"bob",…}
/// ]}
/// ```
///
/// Fields come in exactly this order; groups and users are sorted by the UTF-8 bytes of their names and unique,
/// each user's groups are sorted, unique and listed among the groups, keys are sorted by id and unique, tag keys
/// sorted. Strings are escaped as `FleetJSONWriter` says, so equal snapshots give equal bytes and every record
/// stays on its line; the bytes end with a line feed. Every user line starts with `{"name":` and the user's
/// name, which is what `FleetSnapshotLookup` binary-searches. The decoder accepts exactly what the encoder
/// writes and throws `FleetFormatError` naming the line for anything else.
public enum FleetSnapshotCodec {
    /// The longest line (its line feed excluded) either side writes or reads: room for a user with the IAM limit
    /// of five 16 KiB keys, fifty tags and a few hundred groups.
    public static let maximumLineLength = 262_144

    /// The part name in errors.
    static let part = "snapshot"
    /// The line between the groups and the users.
    static let usersLine: StaticString = "],\"users\":["
    /// The last line.
    static let lastLine: StaticString = "]}"
    /// How every user line starts, before the user's name.
    public static let userLinePrefix = Array("{\"name\":".utf8)

    /// The bytes of `snapshot`; throws `FleetFormatError` when it breaks a rule of the format (unsorted or
    /// duplicate names, a user in a group not listed, an empty name or id, a date with a fraction of a second, a
    /// line over `maximumLineLength`), so a publisher never writes what readers refuse.
    public static func encode(_ snapshot: FleetSnapshot) throws(FleetFormatError) -> [UInt8] {
        var writer = FleetJSONWriter()
        writer.raw("{\"format\":")
        writer.number(UInt64(FleetSnapshot.formatVersion))
        writer.raw(",\"serial\":")
        writer.number(snapshot.serial)
        writer.raw(",\"generated\":")
        try writer.timestamp(snapshot.generated, part: part, field: "generated")
        writer.raw(",\"groups\":[\n")
        try requireSorted(snapshot.groups.map(\.name), what: "group names")
        for (position, group) in snapshot.groups.enumerated() {
            let start = writer.bytes.count
            try requireNonEmpty(group.name, "a group name")
            writeGroup(group, into: &writer)
            try endLine(&writer, from: start, last: position == snapshot.groups.count - 1, record: group.name)
        }
        writer.raw("],\"users\":[\n")
        try requireSorted(snapshot.users.map(\.name), what: "user names")
        let groupNames = Set(snapshot.groups.map { Array($0.name.utf8) })
        for (position, user) in snapshot.users.enumerated() {
            let start = writer.bytes.count
            try check(user, groups: groupNames)
            try checkDates(user)
            writeUser(user, into: &writer)
            try endLine(&writer, from: start, last: position == snapshot.users.count - 1, record: user.name)
        }
        writer.raw("]}\n")
        return writer.bytes
    }

    /// The snapshot in `bytes`; throws `FleetFormatError` naming the line when they are not exactly what
    /// `encode(_:)` writes for some snapshot (an unknown format version included).
    public static func decode(_ bytes: [UInt8]) throws(FleetFormatError) -> FleetSnapshot {
        try bytes.withUnsafeBufferPointer { (buffer) throws(FleetFormatError) -> FleetSnapshot in
            try decode(buffer)
        }
    }

    /// The snapshot in `bytes` (for example the snapshot part of a mapped envelope).
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(FleetFormatError) -> FleetSnapshot {
        var lines = FleetLines(bytes, part: part, maximumLength: maximumLineLength)
        guard var header = try lines.next() else { throw FleetFormatError(part, "it is empty") }
        try header.expect("{\"format\":")
        let format = try header.number("format")
        guard format == FleetSnapshot.formatVersion else {
            throw header.error(
                "unknown snapshot format \(format); this host reads format \(FleetSnapshot.formatVersion) "
                    + "(upgrade aws-ec2-ssh here, or publish with the version the readers run)")
        }
        try header.expect(",\"serial\":")
        let serial = try header.number("serial")
        try header.expect(",\"generated\":")
        let generated = try header.timestamp("generated")
        try header.expect(",\"groups\":[")
        try header.expectEnd()

        var groups: [FleetGroup] = []
        var groupNames = Set<[UInt8]>()
        var previous: [UInt8]?
        var separated = false
        var reachedUsers = false
        while var line = try lines.next() {
            if line.skip(usersLine) {
                try line.expectEnd()
                try requireClosed(separated, line: line, list: "groups")
                reachedUsers = true
                break
            }
            try requireOpen(separated, first: groups.isEmpty, line: line)
            let group = try readGroup(&line)
            let name = Array(group.name.utf8)
            try requireAfter(previous, name, line: line, what: "group")
            previous = name
            groupNames.insert(name)
            groups.append(group)
            separated = line.skip(",")
            try line.expectEnd()
        }
        guard reachedUsers else {
            throw FleetFormatError(part, line: lines.lineNumber, "the snapshot ends before the users (truncated)")
        }

        var users: [FleetUser] = []
        previous = nil
        separated = false
        while var line = try lines.next() {
            if line.skip(lastLine) {
                try line.expectEnd()
                try requireClosed(separated, line: line, list: "users")
                guard lines.isFinished else {
                    throw FleetFormatError(part, line: line.line + 1, "bytes follow the last line \"]}\"")
                }
                return FleetSnapshot(serial: serial, generated: generated, users: users, groups: groups)
            }
            try requireOpen(separated, first: users.isEmpty, line: line)
            let user = try readUser(&line, groups: groupNames)
            let name = Array(user.name.utf8)
            try requireAfter(previous, name, line: line, what: "user")
            previous = name
            users.append(user)
            separated = line.skip(",")
            try line.expectEnd()
        }
        throw FleetFormatError(
            part, line: lines.lineNumber, "the snapshot ends before its last line \"]}\" (truncated)")
    }

    /// Ends a record's line: a comma unless it is the last, the line feed, and the length check.
    private static func endLine(_ writer: inout FleetJSONWriter, from start: Int, last: Bool, record: String)
        throws(FleetFormatError)
    {
        if !last { writer.raw(",") }
        guard writer.bytes.count - start <= maximumLineLength else {
            throw FleetFormatError(
                part, "the record of \(record.debugDescription) is longer than \(maximumLineLength) bytes")
        }
        writer.raw("\n")
    }

    /// Throws unless `names` are strictly increasing in UTF-8 byte order (sorted and unique).
    static func requireSorted(_ names: [String], what: String) throws(FleetFormatError) {
        for (earlier, later) in zip(names, names.dropFirst())
        where !Array(earlier.utf8).lexicographicallyPrecedes(Array(later.utf8)) {
            throw FleetFormatError(
                part, "\(what) are not sorted and unique: \(earlier.debugDescription) before \(later.debugDescription)")
        }
    }

    /// Throws unless `value` is non-empty.
    static func requireNonEmpty(_ value: String, _ what: String) throws(FleetFormatError) {
        guard !value.isEmpty else { throw FleetFormatError(part, "\(what) is empty") }
    }

    /// Throws unless `name` sorts strictly after `previous` (on the line `line`).
    private static func requireAfter(_ previous: [UInt8]?, _ name: [UInt8], line: FleetJSONReader, what: String)
        throws(FleetFormatError)
    {
        guard let previous else { return }
        guard previous.lexicographicallyPrecedes(name) else {
            throw line.error(
                previous == name
                    ? "duplicate \(what) \(String(decoding: name, as: UTF8.self).debugDescription)"
                    : "\(what)s are not sorted by name: "
                        + "\(String(decoding: name, as: UTF8.self).debugDescription) comes after "
                        + String(decoding: previous, as: UTF8.self).debugDescription)
        }
    }

    /// Throws when a record starts although the one before it did not end with a comma.
    private static func requireOpen(_ separated: Bool, first: Bool, line: FleetJSONReader) throws(FleetFormatError) {
        guard first || separated else { throw line.error("the record before this one does not end with a comma") }
    }

    /// Throws when the closing line `line` follows a record that ended with a comma.
    private static func requireClosed(_ separated: Bool, line: FleetJSONReader, list: String)
        throws(FleetFormatError)
    {
        guard !separated else { throw line.error("the last of the \(list) ends with a comma (a record is missing)") }
    }
}
