import Testing

@testable import EC2SSHCore

@Suite struct ConfigFileTests {
    static let path = "/etc/aws-ec2-ssh.conf"

    @Test(arguments: [
        ("KEY=\"value\"", "value"),
        ("KEY='value'", "value"),
        ("KEY=value", "value"),
        ("export KEY=\"value\"", "value"),
        ("export\tKEY=value", "value"),
        ("   KEY=\"value\"   ", "value"),
        ("KEY=\"value\" # a comment", "value"),
        ("KEY=value\t# a comment", "value"),
        ("KEY='value'#still", "value#still"),
        ("KEY=v#x", "v#x"),
        ("KEY=\"a # b\"", "a # b"),
        ("KEY=", ""),
        ("KEY=\"\"", ""),
        ("KEY='' # empty", ""),
        ("KEY=\"a \\\"b\\\" \\\\ \\$ \\`\"", "a \"b\" \\ $ `"),
        ("KEY=\"a\\nb\"", "a\\nb"),
        ("KEY='$HOME `id` \\'", "$HOME `id` \\"),
        ("KEY=a\\ b", "a b"),
        ("KEY=\"a\"'b'c", "abc"),
        ("KEY=\"##ALL##\"", "##ALL##"),
        ("KEY=\"--user-group --create-home --shell /bin/bash\"", "--user-group --create-home --shell /bin/bash"),
        ("KEY=\"x y\"\r", "x y"),
        ("KEY=ünïcödé", "ünïcödé"),
        ("KEY=a~b", "a~b"),
        ("_KEY2=v", "v"),
    ])
    func readsValue(line: String, expected: String) throws {
        let file = try ConfigFile.parse(line, path: Self.path)
        #expect(file.entries.count == 1)
        #expect(file.entries.first?.value == expected)
        #expect(file.entries.first?.line == 1)
    }

    @Test(arguments: ["", "   ", "\t", "# comment", "   # indented comment", "\r", "#KEY=value"])
    func skipsBlankAndCommentLines(line: String) throws {
        #expect(try ConfigFile.parse(line, path: Self.path).entries.isEmpty)
    }

    @Test func keepsOrderLineNumbersAndDuplicates() throws {
        let text = "\u{FEFF}# header\r\nA=1\r\n\r\nB='two'\r\nA=3\r\n"
        let file = try ConfigFile.parse(text, path: Self.path)
        #expect(
            file.entries == [
                ConfigEntry(key: "A", value: "1", line: 2),
                ConfigEntry(key: "B", value: "two", line: 4),
                ConfigEntry(key: "A", value: "3", line: 5),
            ])
    }

    @Test(arguments: [
        ("KEY=$HOME", "variable expansion ($NAME)"),
        ("KEY=\"$HOME\"", "variable expansion ($NAME)"),
        ("KEY=\"${HOME}\"", "${...}"),
        ("KEY=$(id -u)", "command substitution $(...)"),
        ("KEY=\"$(id -u)\"", "command substitution $(...)"),
        ("KEY=`id`", "backticks"),
        ("KEY=\"`id`\"", "backticks"),
        ("KEY=\"abc", "unterminated double quote"),
        ("KEY='abc", "unterminated single quote"),
        ("KEY = value", "no blanks are allowed around '='"),
        ("KEY =value", "no blanks are allowed around '='"),
        ("KEY=a b", "unexpected text after the value of KEY"),
        ("KEY= b", "unexpected text after the value of KEY"),
        ("A=1 B=2", "unexpected text after the value of A"),
        ("echo hello", "expected a KEY=value assignment"),
        (". /etc/other.conf", "expected a KEY=value assignment"),
        ("export", "expected a KEY=value assignment"),
        ("export KEY", "expected a KEY=value assignment"),
        ("1KEY=v", "expected a KEY=value assignment"),
        ("KEY-NAME=v", "expected a KEY=value assignment"),
        ("KEY=a;rm -rf /", "shell operator"),
        ("KEY=a|b", "shell operator"),
        ("KEY=a&", "shell operator"),
        ("KEY=a>b", "shell operator"),
        ("KEY=(a b)", "shell operator"),
        ("KEY=a\\", "backslash at the end"),
        ("KEY=~/keys", "'~' at the start"),
        ("KEY=\"a\u{0}b\"", "control character U+0000"),
        ("KEY=a\u{1B}b", "control character U+001B"),
    ])
    func rejectsWithMessage(line: String, fragment: String) {
        let text = "# first line\nOK=1\n\(line)\nLATER=2\n"
        #expect {
            try ConfigFile.parse(text, path: Self.path)
        } throws: { error in
            guard case .invalidConfiguration(let path, let lineNumber, let message) = error as? EC2SSHError else {
                return false
            }
            return path == Self.path && lineNumber == 3 && message.contains(fragment)
        }
    }

    @Test func errorDescriptionNamesFileLineAndColumn() {
        let error = #expect(throws: EC2SSHError.self) {
            try ConfigFile.parse("A=1\r\nB=\"$X\"\r\n", path: "/tmp/test.conf")
        }
        let description = error?.description ?? ""
        #expect(description.hasPrefix("/tmp/test.conf:2: "))
        #expect(description.contains("column 4"))
        #expect(description.contains("never run by a shell"))
    }
}
