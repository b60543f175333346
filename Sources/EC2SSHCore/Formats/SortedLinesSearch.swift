/// Binary search over lines sorted by the bytes of a JSON string at the start of each line: the layout of
/// managed-users.json (`ManagedUsersIndex.encoded()`) and of a fleet snapshot's user lines
/// (`FleetSnapshotCodec.encode(_:)`).
///
/// Each line of the searched region is `prefix`, a JSON string (the key, quotes included) and the rest of the
/// line; the lines are sorted by the key's bytes and end with a line feed. JSON escaping keeps every key on its
/// line, so the search only ever looks at the line it lands in: about 14 key comparisons at 10,000 lines.
enum SortedLinesSearch {
    /// Why the searched region is not in the layout; the caller turns it into its own error.
    struct Corruption: Error, Equatable {
        /// What is wrong, as a phrase ("a line does not start with a quoted user name").
        var problem: String
    }

    /// One line the search found.
    struct Match: Equatable {
        /// The whole line, without its line feed.
        var line: Range<Int>
        /// The index just past the key's closing quote.
        var keyEnd: Int
    }

    /// The line of `region` (whole lines of `bytes`) whose key equals `target` (a JSON string with its quotes),
    /// or `nil` when no line has that key; for files sorted by the bytes of the quoted key.
    static func search(
        _ target: [UInt8], prefix: [UInt8] = [], in bytes: UnsafeBufferPointer<UInt8>, region: Range<Int>
    ) throws(Corruption) -> Match? {
        try search(prefix: prefix, in: bytes, region: region) { (key) throws(Corruption) -> Order in
            let quoted = bytes[key]
            if quoted.elementsEqual(target) { return .equal }
            return quoted.lexicographicallyPrecedes(target) ? .before : .after
        }
    }

    /// Where a line's key sorts relative to the key searched for.
    enum Order {
        /// The line sorts before the searched key.
        case before
        /// The line has the searched key.
        case equal
        /// The line sorts after the searched key.
        case after
    }

    /// The line of `region` whose key `compare` finds `.equal`, or `nil` when there is none.
    ///
    /// `compare` gets the range of a line's key (the JSON string, quotes included) and says where the line sorts
    /// relative to the key searched for, in the order the lines were written: for example by the decoded name when
    /// the writer sorted raw names, whose escaped forms may sort differently.
    static func search(
        prefix: [UInt8] = [], in bytes: UnsafeBufferPointer<UInt8>, region: Range<Int>,
        compare: (Range<Int>) throws(Corruption) -> Order
    ) throws(Corruption) -> Match? {
        var low = region.lowerBound
        var high = region.upperBound
        while low < high {
            var start = low + (high - low) / 2
            while start > low && bytes[start - 1] != 0x0a { start -= 1 }
            guard let end = bytes[start..<high].firstIndex(of: 0x0a) else {
                throw Corruption(problem: "a line does not end before the last line")
            }
            guard end - start >= prefix.count, bytes[start..<(start + prefix.count)].elementsEqual(prefix) else {
                throw Corruption(problem: "a line does not start with \(String(decoding: prefix, as: UTF8.self))")
            }
            let keyStart = start + prefix.count
            let keyEnd = try endOfKey(in: bytes, from: keyStart, to: end)
            switch try compare(keyStart..<keyEnd) {
            case .equal: return Match(line: start..<end, keyEnd: keyEnd)
            case .before: low = end + 1
            case .after: high = start
            }
        }
        return nil
    }

    /// The index just past the JSON string that starts at `start` (its closing quote included).
    static func endOfKey(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) throws(Corruption)
        -> Int
    {
        guard start < end, bytes[start] == UInt8(ascii: "\"") else {
            throw Corruption(problem: "a line does not start with a quoted user name")
        }
        var index = start + 1
        while index < end {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        throw Corruption(problem: "a user name is not terminated on its line")
    }
}
