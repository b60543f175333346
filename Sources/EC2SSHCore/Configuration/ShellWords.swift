/// Splits an argument string such as USERADD_ARGS into words like a POSIX shell, without any expansion.
///
/// Single quotes, double quotes (with the escapes \" \\ \$ \`) and backslashes work as in a shell; `$`,
/// backticks, shell operators, a leading `~` or `#` and unbalanced quotes are errors, never expanded or guessed.
public enum ShellWords {
    /// The words of `input`, in order; throws `EC2SSHError.invalidShellWords` when it cannot be split safely.
    public static func split(_ input: String) throws -> [String] {
        var lexer = ShellLexer(Array(input.unicodeScalars))
        var words: [String] = []
        while true {
            while let scalar = lexer.current, ShellLexer.isBlank(scalar) || scalar == "\n" {
                lexer.advance()
            }
            if lexer.isAtEnd {
                return words
            }
            do {
                words.append(try lexer.readWord(.argument))
            } catch {
                throw EC2SSHError.invalidShellWords(
                    input: input, message: "\(error.message) (at character \(error.column))")
            }
        }
    }
}
