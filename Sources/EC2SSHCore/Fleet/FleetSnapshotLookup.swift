/// Finds one user in the bytes of a fleet snapshot without decoding the whole snapshot: the key command's read.
///
/// It skips the group lines, then binary-searches the user lines (each starting with `{"name":`, sorted by the
/// UTF-8 bytes of the raw name, not of its escaped JSON form) with `SortedLinesSearch`, the same search the managed
/// users index uses, comparing decoded names, and reads only the line it finds, as strictly as `FleetSnapshotCodec.decode` does. Use it only on bytes whose
/// digest the caller has checked against a verified manifest (`FleetSnapshotCheck.verify`): that is what makes the
/// rest of the file trustworthy without reading it.
public enum FleetSnapshotLookup {
    /// The user named `name` (the IAM user name) in `snapshot`, `nil` when the snapshot does not list it.
    ///
    /// Throws `FleetFormatError` when the bytes the search visits are not in the format.
    public static func user(named name: String, in snapshot: [UInt8]) throws(FleetFormatError) -> FleetUser? {
        try snapshot.withUnsafeBufferPointer { (buffer) throws(FleetFormatError) -> FleetUser? in
            try user(named: name, in: buffer)
        }
    }

    /// The user named `name` in `snapshot` (for example the snapshot part of a mapped envelope).
    public static func user(named name: String, in snapshot: UnsafeBufferPointer<UInt8>) throws(FleetFormatError)
        -> FleetUser?
    {
        let part = FleetSnapshotCodec.part
        let region = try userLines(in: snapshot)
        let match: SortedLinesSearch.Match?
        do {
            let target = Array(name.utf8)
            match = try SortedLinesSearch.search(
                prefix: FleetSnapshotCodec.userLinePrefix, in: snapshot, region: region
            ) { (key) throws(SortedLinesSearch.Corruption) -> SortedLinesSearch.Order in
                let raw = try rawName(key, in: snapshot)
                if raw.elementsEqual(target) { return .equal }
                return raw.lexicographicallyPrecedes(target) ? .before : .after
            }
        } catch {
            throw FleetFormatError(part, "the user lines are corrupt (\(error.problem))")
        }
        guard let match else { return nil }
        var line = FleetJSONReader(snapshot, range: match.line, part: part, line: 0)
        do throws(FleetFormatError) {
            let user = try FleetSnapshotCodec.readUser(&line, groups: nil)
            _ = line.skip(",")
            try line.expectEnd()
            guard Array(user.name.utf8) == Array(name.utf8) else {
                throw line.error("the record found for \(name.debugDescription) names \(user.name.debugDescription)")
            }
            return user
        } catch {
            // Counting lines costs a pass over the bytes: only for the error message.
            var located = error
            located.line = snapshot[snapshot.startIndex..<match.line.lowerBound].count { $0 == 0x0a } + 1
            throw located
        }
    }

    /// The UTF-8 bytes of the name whose JSON string (quotes included) is at `key`: the bytes between the quotes
    /// when nothing is escaped, else the decoded string, as strictly as the codec reads it.
    static func rawName(_ key: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) throws(SortedLinesSearch.Corruption)
        -> [UInt8]
    {
        let inner = bytes[(key.lowerBound + 1)..<(key.upperBound - 1)]
        guard inner.contains(UInt8(ascii: "\\")) else { return Array(inner) }
        var reader = FleetJSONReader(bytes, range: key, part: FleetSnapshotCodec.part, line: 0)
        do {
            return Array(try reader.string("a user name").utf8)
        } catch {
            throw SortedLinesSearch.Corruption(problem: error.message)
        }
    }

    /// The range of the user lines: after the line `],"users":[`, before the last line `]}`.
    static func userLines(in bytes: UnsafeBufferPointer<UInt8>) throws(FleetFormatError) -> Range<Int> {
        let part = FleetSnapshotCodec.part
        let trailer = Array("\n]}\n".utf8)
        guard bytes.count >= trailer.count, bytes[(bytes.endIndex - trailer.count)...].elementsEqual(trailer) else {
            throw FleetFormatError(part, "it does not end with the line \"]}\" (truncated)")
        }
        let usersLine = Array("],\"users\":[".utf8)
        var lines = FleetLines(bytes, part: part, maximumLength: FleetSnapshotCodec.maximumLineLength)
        while let line = try lines.next() {
            if line.end - line.lineStart == usersLine.count && bytes[line.lineStart..<line.end].elementsEqual(usersLine)
            {
                return (line.end + 1)..<(bytes.endIndex - 3)
            }
        }
        throw FleetFormatError(part, "it has no line \"],\\\"users\\\":[\" (truncated)")
    }
}
