/// The edits an installation makes to sshd configuration files: text in, text out, no I/O.
///
/// sshd keeps the first value it reads for AuthorizedKeysCommand, and lines after the first `Match` belong to
/// that Match block; so our lines go before the first Match (or into a drop-in that sorts first), and conflicting
/// lines outside Match blocks are commented out with a mark that uninstall removes again. Lines inside Match
/// blocks are never touched. CRLF line ends are kept.
public struct SSHDConfigEditor: Sendable {
    /// Which active AuthorizedKeysCommand(User) lines outside Match blocks an edit comments out.
    public enum Disabling: Sendable, Equatable {
        /// Every one of them (a drop-in read before ours, or the main file when it holds our block).
        case all
        /// Only those before the first Include (the main file when the included drop-in carries our lines).
        case beforeInclude
        /// None (only the bash tool's lines, which are always taken out).
        case none
    }

    /// Paths and markers.
    public let layout: SetupLayout

    /// Creates an editor for `layout`.
    public init(layout: SetupLayout = .standard) {
        self.layout = layout
    }

    /// The top-level lines of `text`: those before the first Match line, as parsed lines.
    public func topLevel(_ text: String) -> [SSHDConfigLine] {
        var result: [SSHDConfigLine] = []
        for line in TextLines(text).lines {
            let parsed = SSHDConfigLine(line)
            if parsed.keyword == "match" { break }
            result.append(parsed)
        }
        return result
    }

    /// The patterns of the Include lines before the first Match, made absolute against the sshd directory.
    public func includePatterns(_ text: String) -> [String] {
        topLevel(text).filter { $0.keyword == "include" }.flatMap(\.words).map { pattern in
            pattern.hasPrefix("/") ? pattern : layout.sshdDirectory + "/" + pattern
        }
    }

    /// Whether `text` includes the drop-in directory (`sshd_config.d/*.conf` or `sshd_config.d/*`) at top level.
    public func includesDropinDirectory(_ text: String) -> Bool {
        includePatterns(text).contains { pattern in
            pattern == layout.sshdDropinDirectory + "/*.conf" || pattern == layout.sshdDropinDirectory + "/*"
        }
    }

    /// The first top-level AuthorizedKeysCommand that is neither ours, `none`, nor the bash tool's.
    public func foreignCommand(_ text: String) -> ChainedCommand? {
        for line in topLevel(text) where line.keyword == "authorizedkeyscommand" {
            if layout.isOwnOrOldCommand(line.argument) { continue }
            return ChainedCommand(commandLine: line.argument)
        }
        return nil
    }

    /// Whether `text` sets the bash tool's AuthorizedKeysCommand at top level.
    public func usesOldTool(_ text: String) -> Bool {
        topLevel(text).contains { $0.keyword == "authorizedkeyscommand" && layout.isOldToolCommand($0.argument) }
    }

    /// `text` with our previous block dropped, conflicting lines commented out as `disabling` says, the bash
    /// tool's lines commented out for good, and (when `block`) our block before the first Match or at the end.
    public func install(_ text: String, disabling: Disabling, block: Bool) -> String {
        let oldTool = usesOldTool(text)
        let source = TextLines(text)
        var output = TextLines(text)
        output.lines = []
        output.crlf = []
        let blockLines = [layout.blockBegin] + layout.sshdLines + [layout.blockEnd]
        var skipping = false
        var inMatch = false
        var included = false
        var inserted = false
        func emit(_ line: String, crlf: Bool) {
            output.lines.append(line)
            output.crlf.append(crlf)
        }
        let newLineCRLF = source.usesCRLF
        for (index, line) in source.lines.enumerated() {
            let crlf = source.crlf[index]
            if line == layout.blockBegin {
                skipping = true
                continue
            }
            if skipping {
                if line == layout.blockEnd { skipping = false }
                continue
            }
            let parsed = SSHDConfigLine(line)
            if parsed.keyword == "match" && !inMatch {
                if block { for line in blockLines { emit(line, crlf: newLineCRLF) } }
                inserted = true
                inMatch = true
            }
            if !inMatch && parsed.keyword == "include" { included = true }
            if !inMatch
                && (parsed.keyword == "authorizedkeyscommand" || parsed.keyword == "authorizedkeyscommanduser")
            {
                if parsed.keyword == "authorizedkeyscommand" && layout.isOldToolCommand(parsed.argument) {
                    emit(layout.migratedMark + line, crlf: crlf)
                    continue
                }
                if parsed.keyword == "authorizedkeyscommanduser" && oldTool && parsed.argument == "nobody" {
                    emit(layout.migratedMark + line, crlf: crlf)
                    continue
                }
                if disabling == .all || (disabling == .beforeInclude && !included) {
                    emit(layout.disabledMark + line, crlf: crlf)
                    continue
                }
            }
            emit(line, crlf: crlf)
        }
        if block && !inserted {
            if !output.finalNewline && !output.lines.isEmpty { output.finalNewline = true }
            for line in blockLines { emit(line, crlf: newLineCRLF) }
            output.finalNewline = true
        }
        return output.text
    }

    /// Whether `text` holds anything `restore` would change: our block or a line we commented out.
    public func hasOurEdits(_ text: String) -> Bool {
        TextLines(text).lines.contains { $0 == layout.blockBegin || $0.hasPrefix(layout.disabledMark) }
    }

    /// `text` as it was before `install`: our block out, the lines it commented out back (the bash tool's lines
    /// stay commented: that tool is gone).
    public func restore(_ text: String) -> String {
        var lines = TextLines(text)
        var keptLines: [String] = []
        var keptCRLF: [Bool] = []
        var skipping = false
        for (index, line) in lines.lines.enumerated() {
            if line == layout.blockBegin {
                skipping = true
                continue
            }
            if skipping {
                if line == layout.blockEnd { skipping = false }
                continue
            }
            keptLines.append(
                line.hasPrefix(layout.disabledMark) ? String(line.dropFirst(layout.disabledMark.count)) : line)
            keptCRLF.append(lines.crlf[index])
        }
        lines.lines = keptLines
        lines.crlf = keptCRLF
        if keptLines.isEmpty { lines.finalNewline = false }
        return lines.text
    }

    /// Our drop-in: the sample's text with our two lines in place of its AuthorizedKeysCommand(User) lines.
    public func dropin(sample: String) -> String {
        var lines = TextLines(sample)
        for (index, line) in lines.lines.enumerated() {
            if line.hasPrefix("AuthorizedKeysCommand ") { lines.lines[index] = layout.sshdLines[0] }
            if line.hasPrefix("AuthorizedKeysCommandUser ") { lines.lines[index] = layout.sshdLines[1] }
        }
        return lines.text
    }
}

/// An AuthorizedKeysCommand found in sshd's configuration: the program and its arguments as sshd would pass them.
public struct ChainedCommand: Sendable, Equatable {
    /// The program.
    public var program: String
    /// The rest of the command line (sshd tokens such as %u %f), blank-trimmed.
    public var arguments: String

    /// Creates a command from its parts.
    public init(program: String, arguments: String) {
        self.program = program
        self.arguments = arguments
    }

    /// Splits a command line at its first blank.
    public init(commandLine: String) {
        let trimmed = commandLine.drop(while: { $0 == " " || $0 == "\t" })
        let program = trimmed.prefix(while: { $0 != " " && $0 != "\t" })
        self.program = String(program)
        self.arguments = String(trimmed.dropFirst(program.count).drop(while: { $0 == " " || $0 == "\t" }))
    }

    /// The sshd tokens in `arguments` that authorized_keys_command cannot pass on (anything but %u, %f, %%).
    public var unsupportedTokens: [String] {
        arguments.split(separator: " ").map(String.init).filter { word in
            word.contains("%") && !["%u", "%f", "%%"].contains(word)
        }
    }
}
