/// Reads and changes single keys of the configuration file on top of the one parser (`ConfigFile`); no I/O.
///
/// Every other line (comments, the sample's commented templates, the operator's own lines) stays as it is. The
/// file must parse before it is edited: a file with shell code in it is refused with the parser's message, which
/// names the line to rewrite.
public struct ConfigFileEditor: Sendable, Equatable {
    /// The file's path, for messages.
    public let path: String
    /// The file's lines.
    public private(set) var lines: TextLines

    /// Parses `text`; throws `EC2SSHError.invalidConfiguration` (path and line) when the parser refuses it.
    public init(text: String, path: String) throws {
        self.path = path
        self.lines = TextLines(text)
        _ = try ConfigFile.parse(text, path: path)
    }

    /// The file's text.
    public var text: String { lines.text }

    /// Whether `key` can be set: every key the parser knows, `AWS_*` and the proxy variables (either case).
    public static func isSettable(_ key: String) -> Bool {
        Configuration.knownKeys.contains(key) || Configuration.isEnvironmentKey(key)
    }

    /// Refuses an unknown key, or a value that cannot be written as `KEY="value"` without escapes.
    public static func checkAssignment(key: String, value: String) throws {
        guard isSettable(key) else {
            throw EC2SSHError.invalidSetup(
                path: nil,
                message: "unknown configuration key [\(key)]; the keys are listed in etc/aws-ec2-ssh.conf and README.md"
            )
        }
        if value.contains(where: { "\n\r\"\\$`".contains($0) }) {
            throw EC2SSHError.invalidSetup(
                path: nil,
                message: "the value of \(key) may not contain a newline, \", \\, $ or ` (the configuration file is"
                    + " parsed as KEY=\"value\"): [\(value)]")
        }
    }

    /// The value of the last assignment of `key`, or `nil` when the file does not set it.
    public func value(of key: String) -> String? {
        entries().last(where: { $0.key == key })?.value
    }

    /// Whether the file sets `key`.
    public func sets(_ key: String) -> Bool {
        value(of: key) != nil
    }

    /// Sets `key` to `value`: in place of its first assignment (later duplicates dropped), else after its
    /// commented template line (`#KEY=`), else at the end.
    public mutating func set(_ key: String, to value: String) throws {
        try Self.checkAssignment(key: key, value: value)
        let line = "\(key)=\"\(value)\""
        let active = Set(entries().filter { $0.key == key }.map { $0.line - 1 })
        if let first = active.min() {
            lines.lines[first] = line
            for index in active.sorted(by: >) where index != first {
                lines.lines.remove(at: index)
                lines.crlf.remove(at: index)
            }
        } else if let template = lines.lines.firstIndex(where: { Self.isTemplate($0, of: key) }) {
            lines.lines.insert(line, at: template + 1)
            lines.crlf.insert(lines.crlf[template], at: template + 1)
        } else {
            lines.append(line)
        }
        _ = try ConfigFile.parse(lines.text, path: path)
    }

    /// Comments out every assignment of `key`, prefixing it with `# NOTE: `.
    public mutating func commentOut(_ key: String, note: String) {
        for entry in entries() where entry.key == key {
            lines.lines[entry.line - 1] = "# \(note): " + lines.lines[entry.line - 1]
        }
    }

    /// The settings the file makes, read by the parser exactly as import_users and the key command read them.
    public func validate() throws -> (Configuration, [ConfigWarning]) {
        try Configuration.parse(text, path: path)
    }

    private func entries() -> [ConfigEntry] {
        (try? ConfigFile.parse(lines.text, path: path).entries) ?? []
    }

    /// Whether `line` is the sample's commented template for `key`: `#KEY=` or `# KEY=`.
    private static func isTemplate(_ line: String, of key: String) -> Bool {
        guard line.hasPrefix("#") else { return false }
        return line.dropFirst().drop(while: { $0 == " " || $0 == "\t" }).hasPrefix(key + "=")
    }
}
