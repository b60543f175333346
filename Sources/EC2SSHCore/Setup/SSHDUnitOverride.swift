/// An sshd ExecStart that passes AuthorizedKeysCommand with `-o`, read, and our override without that option.
///
/// EC2 Instance Connect's unit drop-in does this. Text only, no I/O.
///
/// A command-line option beats every configuration file, so sshd_config's AuthorizedKeysCommand only applies
/// once the option is gone; the command it named is then chained by authorized_keys_command.
public struct SSHDUnitOverride: Sendable, Equatable {
    /// The unit drop-in the ExecStart line was found in.
    public var sourceFile: String
    /// The ExecStart line as written there.
    public var execStart: String
    /// The AuthorizedKeysCommand it passes, with systemd's `%%` turned back into `%`.
    public var command: ChainedCommand
    /// The ExecStart line without the AuthorizedKeysCommand and AuthorizedKeysCommandUser options.
    public var strippedExecStart: String

    /// Reads the last `ExecStart=` line of a unit drop-in that passes `-o "AuthorizedKeysCommand ..."`.
    ///
    /// `nil` when the drop-in passes no AuthorizedKeysCommand; throws when it does in a form this code cannot read.
    public static func parse(unitText: String, sourceFile: String) throws -> SSHDUnitOverride? {
        let candidates = TextLines(unitText).lines.filter { line in
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            return trimmed.hasPrefix("ExecStart=") && containsOption(String(trimmed), "AuthorizedKeysCommand")
        }
        guard let line = candidates.last else { return nil }
        let execStart = String(line.drop(while: { $0 == " " || $0 == "\t" }))
        var value: String?
        var stripped = ""
        var rest = Substring(execStart)
        while !rest.isEmpty {
            if let (option, after) = quotedOption(rest) {
                if option.hasPrefix("AuthorizedKeysCommand ") || option.hasPrefix("AuthorizedKeysCommand\t") {
                    value = String(option.dropFirst("AuthorizedKeysCommand".count))
                    rest = after.drop(while: { $0 == " " || $0 == "\t" })
                    continue
                }
                if option.hasPrefix("AuthorizedKeysCommandUser ") || option.hasPrefix("AuthorizedKeysCommandUser\t") {
                    rest = after.drop(while: { $0 == " " || $0 == "\t" })
                    continue
                }
            }
            stripped.append(rest.removeFirst())
        }
        while let last = stripped.last, last == " " || last == "\t" { stripped.removeLast() }
        guard let value, !containsOption(stripped, "AuthorizedKeysCommand") else {
            throw EC2SSHError.invalidSetup(
                path: sourceFile,
                message: "overrides sshd's ExecStart with an AuthorizedKeysCommand option in a form this installer"
                    + " cannot read; change it to -o \"AuthorizedKeysCommand /path %%u %%f\" or remove it, then run"
                    + " the installation again")
        }
        let unescaped = value.replacing("%%", with: "%")
        return SSHDUnitOverride(
            sourceFile: sourceFile, execStart: execStart, command: ChainedCommand(commandLine: unescaped),
            strippedExecStart: stripped)
    }

    /// The text of our drop-in for sshd's unit: ExecStart reset, then the stripped line.
    public func render(configFile: String) -> String {
        [
            "# aws-ec2-ssh: sshd's ExecStart from \(sourceFile) without its AuthorizedKeysCommand options, so that",
            "# sshd_config's AuthorizedKeysCommand applies; \(command.program) still runs, chained by"
                + " authorized_keys_command",
            "# (CHAINED_AUTHORIZED_KEYS_COMMAND in \(configFile)). Remove with: install.sh --uninstall",
            "[Service]",
            "ExecStart=",
            strippedExecStart,
        ].joined(separator: "\n") + "\n"
    }

    /// Whether `text` mentions the sshd option `name` followed by a blank (inside `-o "..."` or not).
    private static func containsOption(_ text: String, _ name: String) -> Bool {
        text.contains(name + " ") || text.contains(name + "\t") || text.contains(name + "=")
    }

    /// At `text`: `-o` then blanks then a double-quoted option; the option's text and what follows the quote.
    private static func quotedOption(_ text: Substring) -> (Substring, Substring)? {
        guard text.hasPrefix("-o") else { return nil }
        let afterO = text.dropFirst(2).drop(while: { $0 == " " || $0 == "\t" })
        guard afterO.first == "\"" else { return nil }
        let body = afterO.dropFirst()
        guard let close = body.firstIndex(of: "\"") else { return nil }
        return (body[..<close], body[body.index(after: close)...])
    }
}
