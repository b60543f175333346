/// The lines of one colon-separated account file, kept verbatim, with an index by name.
struct AccountFileTable {
    /// The lines, without their newline.
    private(set) var lines: [String]
    /// The line of each name.
    private var index: [String: Int] = [:]
    /// Members to append to the list in field `memberField` of a line, by line number (applied by `text`, so that a
    /// group gaining thousands of members is rewritten once).
    private var addedMembers: [Int: [String]] = [:]
    /// The subordinate ID ranges (start, end) of the lines, sorted, once `freeRange` has parsed them.
    private var ranges: [(UInt64, UInt64)]?
    /// The numbers of the lines `remove` took out (left out by `text`).
    private var removed: Set<Int> = []
    /// The file, for messages.
    let file: String
    /// The number of fields of a line.
    let fields: Int

    /// Parses `text`; refuses empty lines, NIS `+`/`-` lines, a wrong field count, a missing final newline and a
    /// name given twice.
    init(text: String, file: String, fields: Int) throws(AccountFilesBatch.Refusal) {
        self.file = file
        self.fields = fields
        guard text.isEmpty || text.hasSuffix("\n") else {
            throw .init(description: "\(file) does not end with a newline")
        }
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        for (number, line) in lines.enumerated() {
            let parts = line.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == fields, let name = parts.first, !name.isEmpty, !name.hasPrefix("+"),
                !name.hasPrefix("-"), !line.unicodeScalars.contains(where: { $0.value < 32 && $0 != "\t" })
            else {
                throw .init(description: "\(file) line \(number + 1) is not a plain \(fields)-field entry")
            }
            guard index.updateValue(number, forKey: String(name)) == nil else {
                throw .init(description: "\(file) line \(number + 1) repeats the name \(name)")
            }
        }
    }

    /// The text, one newline after each line, with the added members.
    var text: String {
        var lines = lines
        for (number, members) in addedMembers {
            var parts = lines[number].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let field = parts.count - 1
            parts[field] = ([parts[field]].filter { !$0.isEmpty } + members).joined(separator: ",")
            lines[number] = parts.joined(separator: ":")
        }
        let kept = removed.isEmpty ? lines : lines.indices.filter { !removed.contains($0) }.map { lines[$0] }
        return kept.isEmpty ? "" : kept.joined(separator: "\n") + "\n"
    }

    /// Field `field` (0-based) of `name`'s line, or `nil` when no line names it.
    func field(_ field: Int, of name: String) -> String? {
        guard let number = index[name] else { return nil }
        return lines[number].split(separator: ":", omittingEmptySubsequences: false)[field].description
    }

    /// Takes out `name`'s line; returns whether there was one.
    @discardableResult
    mutating func remove(_ name: String) -> Bool {
        guard let number = index.removeValue(forKey: name) else { return false }
        removed.insert(number)
        ranges = nil
        return true
    }

    /// Takes `member` out of the member list, the last field of `group`'s line (every occurrence).
    mutating func removeMember(_ member: String, from group: String) {
        guard let number = index[group] else { return }
        var parts = lines[number].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let field = parts.count - 1
        let members = parts[field].split(separator: ",", omittingEmptySubsequences: false)
        guard members.contains(where: { $0 == member }) else { return }
        parts[field] = members.filter { $0 != member }.joined(separator: ",")
        lines[number] = parts.joined(separator: ":")
    }

    /// Whether a line names `name`.
    func contains(_ name: String) -> Bool { index[name] != nil }

    /// The numbers in field `field` (0-based) of every line; refuses a line where it is not a number.
    func numbers(field: Int) throws(AccountFilesBatch.Refusal) -> Set<UInt32> {
        var numbers: Set<UInt32> = []
        for (number, line) in lines.enumerated() where !removed.contains(number) {
            let parts = line.split(separator: ":", omittingEmptySubsequences: false)
            guard let value = UInt32(parts[field]) else {
                throw .init(description: "\(file) line \(number + 1): \(parts[field]) is not a number")
            }
            numbers.insert(value)
        }
        return numbers
    }

    /// Appends a line made of `parts`.
    mutating func append(_ parts: [String]) {
        index[parts[0]] = lines.count
        lines.append(parts.joined(separator: ":"))
    }

    /// Appends `member` to the comma-separated member list, the last field of `group`'s line.
    mutating func addMember(_ member: String, to group: String) {
        guard let number = index[group] else { return }
        addedMembers[number, default: []].append(member)
    }

    /// The lowest START from `minimum` for `name:START:COUNT` whose range overlaps no other line and ends by
    /// `maximum` (shadow-utils' find_free_range), or `nil` when none fits.
    mutating func freeRange(minimum: UInt64, maximum: UInt64, count: UInt64) -> UInt64? {
        let sorted =
            ranges
            ?? lines.indices.compactMap { number -> (UInt64, UInt64)? in
                guard !removed.contains(number) else { return nil }
                let parts = lines[number].split(separator: ":", omittingEmptySubsequences: false)
                guard let start = UInt64(parts[1]), let length = UInt64(parts[2]), length > 0 else { return nil }
                return (start, start + length)
            }.sorted { $0.0 < $1.0 }
        ranges = sorted
        var start = minimum
        for (low, high) in sorted where high > start {
            if low >= start + count { break }
            start = max(start, high)
        }
        return start + count - 1 <= maximum ? start : nil
    }

    /// Appends `name:START:COUNT` (a range `freeRange` found).
    mutating func appendRange(_ name: String, start: UInt64, count: UInt64) {
        append([name, String(start), String(count)])
        guard var sorted = ranges else { return }
        let position = sorted.firstIndex { $0.0 > start } ?? sorted.endIndex
        sorted.insert((start, start + count), at: position)
        ranges = sorted
    }
}
