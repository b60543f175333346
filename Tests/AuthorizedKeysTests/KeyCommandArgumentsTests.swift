import EC2SSHCore
import Testing

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import TestSupport

/// The plain sshd invocation recognised without ArgumentParser, and the login.defs shortcut of the key command.
@Suite struct KeyCommandArgumentsTests {
    static let plainForms: [([String], KeyCommand.Arguments)] = [
        (["alice"], KeyCommand.Arguments(config: "/etc/aws-ec2-ssh.conf", user: "alice", fingerprint: nil)),
        (
            ["alice", "SHA256:abc+/="],
            KeyCommand.Arguments(config: "/etc/aws-ec2-ssh.conf", user: "alice", fingerprint: "SHA256:abc+/=")
        ),
        (["--config", "/c.conf", "bob"], KeyCommand.Arguments(config: "/c.conf", user: "bob", fingerprint: nil)),
        (
            ["--config", "/c", "bob", "SHA256:x"],
            KeyCommand.Arguments(config: "/c", user: "bob", fingerprint: "SHA256:x")
        ),
        (["help"], KeyCommand.Arguments(config: "/etc/aws-ec2-ssh.conf", user: "help", fingerprint: nil)),
    ]

    @Test(arguments: plainForms)
    func plainFormsAreRecognised(arguments: [String], expected: KeyCommand.Arguments) {
        #expect(KeyCommand.Arguments.plain(arguments) == expected)
    }

    /// Everything else is left to ArgumentParser: flags, help, usage errors, values that look like options.
    @Test(arguments: [
        [], ["--help"], ["-h"], ["--verbose", "alice"], ["alice", "--verbose"], ["alice", "fp", "extra"],
        ["--config"], ["--config", "/c"], ["--config", "-x", "alice"], ["--config=/c", "alice"],
        ["alice", "--config", "/c"],
        ["-"], ["--", "alice"], [""], ["alice", ""], ["-alice"], ["alice", "-fp"],
        ["--generate-completion-script", "bash"], ["--config", "/c", "--config", "/d", "alice"],
    ])
    func otherFormsAreLeftToArgumentParser(arguments: [String]) {
        #expect(KeyCommand.Arguments.plain(arguments) == nil)
    }

    static let loginDefsTexts = [
        "",
        "UID_MIN 2000\n",
        "# comment UID_MIN 5\nMAIL_DIR /var/mail\nUID_MIN\t\t 1500\r\nUID_MAX 0x10000\nSYS_UID_MAX 0777\n",
        "GID_MIN 3000\nGID_MAX 4000\nUID_MIN 1000\nUID_MIN 1200\n#UID_MIN 1\n  UID_MIN \"1300\"\n",
        "UMASK 022\nENCRYPT_METHOD SHA512\nSYS_GID_MAX 999\nUID_MIN \u{FFFD}\n",
        "UID_MIN 0\n",
    ]

    @Test(arguments: loginDefsTexts)
    func loginDefsShortcutParsesLikeTheWholeFile(text: String) {
        let files = MemoryFileSystem.readOnly([KeyCommandWiring.loginDefsPath: text])
        #expect(KeyCommandWiring.loginDefs(files) == LoginDefs.parse(text))
    }

    @Test func loginDefsShortcutKeepsOnlyLimitLines() {
        let text = "#\n# UID_MIN is the lowest UID\n#\nMAIL_DIR /var/mail\nUID_MIN 2000\nSYS_UID_MAX 1500\n"
        let files = MemoryFileSystem.readOnly([KeyCommandWiring.loginDefsPath: text])
        let limits = KeyCommandWiring.loginDefs(files)
        #expect(limits.uidMin == 2000)
        #expect(limits.sysUIDMax == 1500)
        #expect(limits.isSystemUID(1999))
    }

    @Test(arguments: [
        ("", ""), ("ID_", "ID_"), ("I\nD_\n", ""), ("a\nUID_MIN 1\nb\n", "UID_MIN 1\n"),
        ("#ID_x ID_y\n\nGID_MAX 2", "#ID_x ID_y\nGID_MAX 2"), ("xID\n_ID_\r\n", "_ID_\r\n"),
    ])
    func linesContainingIDKeepsWholeLinesInOrder(text: String, expected: String) {
        #expect(KeyCommandWiring.linesContainingID(Array(text.utf8)) == Array(expected.utf8))
    }

    @Test func missingLoginDefsGivesTheDefaults() {
        #expect(KeyCommandWiring.loginDefs(MemoryFileSystem.readOnly()) == LoginDefs.defaults)
    }
}
