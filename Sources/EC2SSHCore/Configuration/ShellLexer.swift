/// Reads shell-style words (quotes and backslashes like a POSIX shell) without ever expanding anything.
///
/// Shared by `ConfigFile` (one word after `KEY=`) and `ShellWords` (a list of arguments).
struct ShellLexer {
    /// Why a word could not be read; `column` is 1-based.
    struct Failure: Error, Equatable {
        var message: String
        var column: Int
    }

    /// Where the word appears, which changes what a shell would do with `#` at its start.
    enum Context {
        /// The value after `KEY=`: `#` is an ordinary character there.
        case assignmentValue
        /// A word of an argument list: `#` at the start would begin a comment, so it is refused.
        case argument
    }

    private let scalars: [Unicode.Scalar]
    private(set) var index: Int

    init(_ scalars: [Unicode.Scalar], index: Int = 0) {
        self.scalars = scalars
        self.index = index
    }

    /// Whether every scalar has been read.
    var isAtEnd: Bool { index >= scalars.count }

    /// The scalar at the read position, if any.
    var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    /// The scalar `offset` places after the read position, if any.
    func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    /// Moves the read position `count` scalars on.
    mutating func advance(_ count: Int = 1) {
        index = min(index + count, scalars.count)
    }

    /// Skips spaces and tabs.
    mutating func skipBlanks() {
        while let scalar = current, Self.isBlank(scalar) {
            index += 1
        }
    }

    /// Whether `scalar` is a space or a tab.
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t"
    }

    /// Reads one word from the read position up to an unquoted blank, newline or the end.
    mutating func readWord(_ context: Context) throws(Failure) -> String {
        var word = String.UnicodeScalarView()
        if let first = current {
            if first == "#", context == .argument {
                throw fail("'#' at the start of an argument would begin a comment in a shell; quote it ('#...')")
            }
            if first == "~" {
                throw fail(
                    "'~' at the start of a word is not expanded to a home directory here; write the absolute path,"
                        + " or quote it ('~...') for a literal ~")
            }
        }
        while let scalar = current {
            switch scalar {
            case " ", "\t", "\n":
                return String(word)
            case "\\":
                guard let next = peek(1) else {
                    throw fail("a backslash at the end is not supported (no line continuation); remove it or quote it")
                }
                if next != "\n" {
                    try checkControl(next, at: index + 1)
                    word.append(next)
                }
                advance(2)
            case "'":
                try readSingleQuoted(into: &word)
            case "\"":
                try readDoubleQuoted(into: &word)
            case "$":
                throw fail(dollarMessage())
            case "`":
                throw fail(Self.backtickMessage)
            case ";", "&", "|", "<", ">", "(", ")":
                throw fail(
                    "'\(scalar)' is a shell operator; nothing is run here, so put the whole value in quotes if it is"
                        + " meant literally")
            default:
                try checkControl(scalar, at: index)
                word.append(scalar)
                advance()
            }
        }
        return String(word)
    }

    private mutating func readSingleQuoted(into word: inout String.UnicodeScalarView) throws(Failure) {
        let start = index
        advance()
        while let scalar = current {
            advance()
            if scalar == "'" {
                return
            }
            try checkControl(scalar, at: index - 1)
            word.append(scalar)
        }
        throw Failure(message: "unterminated single quote; add the closing ' on the same line", column: start + 1)
    }

    private mutating func readDoubleQuoted(into word: inout String.UnicodeScalarView) throws(Failure) {
        let start = index
        advance()
        while let scalar = current {
            switch scalar {
            case "\"":
                advance()
                return
            case "\\":
                guard let next = peek(1) else {
                    advance()
                    continue
                }
                switch next {
                case "\"", "\\", "$", "`":
                    word.append(next)
                    advance(2)
                case "\n":
                    advance(2)
                default:
                    word.append(scalar)
                    advance()
                }
            case "$":
                throw fail(dollarMessage())
            case "`":
                throw fail(Self.backtickMessage)
            default:
                try checkControl(scalar, at: index)
                word.append(scalar)
                advance()
            }
        }
        throw Failure(message: "unterminated double quote; add the closing \" on the same line", column: start + 1)
    }

    private func checkControl(_ scalar: Unicode.Scalar, at position: Int) throws(Failure) {
        let value = scalar.value
        guard value < 0x20 || value == 0x7F, scalar != "\t", scalar != "\n" else { return }
        let hex = String(value, radix: 16, uppercase: true)
        throw Failure(
            message: "control character U+\(String(repeating: "0", count: 4 - hex.count))\(hex) is not allowed;"
                + " remove it",
            column: position + 1)
    }

    private func fail(_ message: String) -> Failure {
        Failure(message: message, column: index + 1)
    }

    private static let literalDollarHint =
        "this file is parsed, never run by a shell, so nothing is expanded: write the literal value"
        + " (a literal $ needs single quotes, '...$...', or \\$ inside double quotes)"

    private static let backtickMessage =
        "command substitution with backticks is not supported; this file is parsed, never run by a shell:"
        + " write the literal value (a literal ` needs single quotes or \\` inside double quotes)"

    private func dollarMessage() -> String {
        switch peek(1) {
        case "("?:
            return "command substitution $(...) is not supported; " + Self.literalDollarHint
        case "{"?:
            return "variable expansion ${...} is not supported; " + Self.literalDollarHint
        default:
            return "variable expansion ($NAME) is not supported; " + Self.literalDollarHint
        }
    }
}
