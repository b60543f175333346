/// One `KEY=value` assignment read from the configuration file.
public struct ConfigEntry: Equatable, Sendable {
    /// The variable name, for example `SUDOERS_GROUPS`.
    public var key: String
    /// The value with quotes and escapes removed.
    public var value: String
    /// The 1-based line the assignment is on.
    public var line: Int

    /// Creates an entry.
    public init(key: String, value: String, line: Int) {
        self.key = key
        self.value = value
        self.line = line
    }
}

/// The configuration file as a list of assignments, read the way a POSIX shell reads them but never executed.
///
/// Accepted lines: blank lines, `# comments`, and `[export ]KEY=value` where the value is unquoted, in single
/// quotes or in double quotes (escapes \" \\ \$ \`), optionally followed by blanks and a `# comment`.
/// CRLF line ends and a leading byte order mark are tolerated.
public struct ConfigFile: Equatable, Sendable {
    /// The assignments in file order, duplicates included.
    public var entries: [ConfigEntry]

    /// Creates a file from entries.
    public init(entries: [ConfigEntry]) {
        self.entries = entries
    }

    /// Parses `text`; throws `EC2SSHError.invalidConfiguration` naming `path` and the line on the first bad line.
    public static func parse(_ text: String, path: String) throws -> ConfigFile {
        var entries: [ConfigEntry] = []
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" {
            scalars = scalars.dropFirst()
        }
        let lines = scalars.split(separator: "\n", omittingEmptySubsequences: false)
        for (offset, rawLine) in lines.enumerated() {
            var line = Array(rawLine)
            if line.last == "\r" {
                line.removeLast()
            }
            do {
                if let entry = try parseLine(line, number: offset + 1) {
                    entries.append(entry)
                }
            } catch {
                throw EC2SSHError.invalidConfiguration(
                    path: path, line: offset + 1, message: "\(error.message) (column \(error.column))")
            }
        }
        return ConfigFile(entries: entries)
    }

    private static func parseLine(_ line: [Unicode.Scalar], number: Int) throws(ShellLexer.Failure) -> ConfigEntry? {
        var lexer = ShellLexer(line)
        lexer.skipBlanks()
        guard let first = lexer.current, first != "#" else { return nil }
        if matches("export", in: lexer), let after = lexer.peek(6), ShellLexer.isBlank(after) {
            lexer.advance(6)
            lexer.skipBlanks()
        }
        let keyStart = lexer.index
        var key = String.UnicodeScalarView()
        while let scalar = lexer.current, isNameCharacter(scalar, first: key.isEmpty) {
            key.append(scalar)
            lexer.advance()
        }
        guard !key.isEmpty, lexer.current == "=" else {
            if !key.isEmpty, equalsFollowsBlanks(lexer) {
                throw ShellLexer.Failure(
                    message: "no blanks are allowed around '=' (write \(String(key))=value)",
                    column: lexer.index + 1)
            }
            throw ShellLexer.Failure(
                message: "expected a KEY=value assignment; this file is parsed, never run by a shell, so commands"
                    + " and other shell syntax are not supported",
                column: keyStart + 1)
        }
        lexer.advance()
        var value = ""
        if let next = lexer.current, !ShellLexer.isBlank(next) {
            value = try lexer.readWord(.assignmentValue)
        }
        lexer.skipBlanks()
        if let rest = lexer.current, rest != "#" {
            throw ShellLexer.Failure(
                message: "unexpected text after the value of \(String(key)); put the whole value in double quotes"
                    + " (\(String(key))=\"...\") if it contains blanks",
                column: lexer.index + 1)
        }
        return ConfigEntry(key: String(key), value: value, line: number)
    }

    /// Whether `lexer` stands on blanks followed by `=` (a common mistake: `KEY = value`).
    private static func equalsFollowsBlanks(_ lexer: ShellLexer) -> Bool {
        guard let next = lexer.current, ShellLexer.isBlank(next) else { return false }
        var probe = lexer
        probe.skipBlanks()
        return probe.current == "="
    }

    private static func matches(_ word: String, in lexer: ShellLexer) -> Bool {
        for (offset, scalar) in word.unicodeScalars.enumerated() where lexer.peek(offset) != scalar {
            return false
        }
        return true
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar, first: Bool) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "_":
            return true
        case "0"..."9":
            return !first
        default:
            return false
        }
    }
}
