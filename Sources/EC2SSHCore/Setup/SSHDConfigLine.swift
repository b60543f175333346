/// One line of an sshd configuration file split into its keyword and argument, as sshd reads it.
public struct SSHDConfigLine: Sendable, Equatable {
    /// The keyword in lower case (sshd keywords are case-insensitive), empty for blank and comment lines.
    public var keyword: String
    /// The rest of the line after the keyword and the blanks or `=` that separate it.
    public var argument: String

    /// Splits `line`; a comment or blank line has an empty keyword.
    public init(_ line: String) {
        let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
        guard let first = trimmed.first, first != "#" else {
            keyword = ""
            argument = ""
            return
        }
        let word = trimmed.prefix(while: { $0 != " " && $0 != "\t" && $0 != "=" })
        keyword = word.lowercased()
        var rest = trimmed.dropFirst(word.count).drop(while: { $0 == " " || $0 == "\t" })
        if rest.first == "=" { rest = rest.dropFirst().drop(while: { $0 == " " || $0 == "\t" }) }
        var value = String(rest)
        while let last = value.last, last == " " || last == "\t" { value.removeLast() }
        argument = value
    }

    /// The argument split into blank-separated words (sshd's own splitting, quotes aside).
    public var words: [String] {
        argument.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }
}
