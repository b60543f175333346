import Testing

@testable import EC2SSHCore

@Suite struct ShellWordsTests {
    @Test(arguments: [
        ("", [String]()),
        ("   \t ", []),
        ("--user-group --create-home --shell /bin/bash", ["--user-group", "--create-home", "--shell", "/bin/bash"]),
        ("  --force\t--remove  ", ["--force", "--remove"]),
        ("--comment 'IAM user'", ["--comment", "IAM user"]),
        ("--comment \"IAM user\"", ["--comment", "IAM user"]),
        ("a\\ b c", ["a b", "c"]),
        ("\"a \\\"q\\\" \\\\ \\$ \\`\"", ["a \"q\" \\ $ `"]),
        ("\"back\\slash\"", ["back\\slash"]),
        ("'$HOME' '`x`' '\\'", ["$HOME", "`x`", "\\"]),
        ("''", [""]),
        ("\"\" x", ["", "x"]),
        ("a\"b\"'c'd", ["abcd"]),
        ("x#y", ["x#y"]),
        ("'#x'", ["#x"]),
        ("a\nb", ["a", "b"]),
        ("a\\\nb", ["ab"]),
        ("--home-dir=/home/x", ["--home-dir=/home/x"]),
        ("'a;b' \"c|d\"", ["a;b", "c|d"]),
        ("x~", ["x~"]),
        ("'~/x'", ["~/x"]),
    ])
    func splits(input: String, expected: [String]) throws {
        #expect(try ShellWords.split(input) == expected)
    }

    @Test(arguments: [
        ("--home $HOME", "variable expansion"),
        ("\"$USER\"", "variable expansion"),
        ("${X}", "${...}"),
        ("$(id)", "command substitution $(...)"),
        ("`id`", "backticks"),
        ("\"`id`\"", "backticks"),
        ("'unbalanced", "unterminated single quote"),
        ("\"unbalanced", "unterminated double quote"),
        ("a 'b", "unterminated single quote"),
        ("trailing\\", "backslash at the end"),
        ("a; rm -rf /", "shell operator"),
        ("a && b", "shell operator"),
        ("a > /etc/passwd", "shell operator"),
        ("# comment", "'#' at the start"),
        ("--shell ~/bin/sh", "'~' at the start"),
        ("a\u{7}b", "control character U+0007"),
    ])
    func rejects(input: String, fragment: String) {
        #expect {
            try ShellWords.split(input)
        } throws: { error in
            guard case .invalidShellWords(let reported, let message) = error as? EC2SSHError else { return false }
            return reported == input && message.contains(fragment)
        }
    }

    @Test func errorDescriptionQuotesTheInput() {
        let error = #expect(throws: EC2SSHError.self) { try ShellWords.split("--x $Y") }
        #expect(error?.description.contains("\"--x $Y\"") == true)
        #expect(error?.description.contains("at character 5") == true)
    }
}
