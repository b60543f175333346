import EC2SSHCore
import Testing

/// The sshd_config edits: our block, conflicting lines, Match blocks, Include, the bash tool's lines, CRLF.
struct SSHDConfigEditorTests {
    let editor = SSHDConfigEditor()
    let begin = SetupLayout.standard.blockBegin
    let ours = "AuthorizedKeysCommand /usr/local/sbin/authorized_keys_command %u %f"
    let user = "AuthorizedKeysCommandUser aws-ec2-ssh"

    /// One edit case: the input, how it is edited, the expected output.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var input: String
        var disabling: SSHDConfigEditor.Disabling
        var block: Bool
        var expected: String
        var testDescription: String { name }
    }

    static let block = """
        # BEGIN aws-ec2-ssh (managed by install.sh; remove with install.sh --uninstall)
        AuthorizedKeysCommand /usr/local/sbin/authorized_keys_command %u %f
        AuthorizedKeysCommandUser aws-ec2-ssh
        # END aws-ec2-ssh
        """

    static let cases: [Case] = [
        Case(
            name: "no Include, no Match: block at the end", input: "Port 22\nUsePAM yes\n", disabling: .all,
            block: true, expected: "Port 22\nUsePAM yes\n" + block + "\n"),
        Case(
            name: "no final newline", input: "Port 22", disabling: .all, block: true,
            expected: "Port 22\n" + block + "\n"),
        Case(
            name: "block before the first Match, Match lines untouched",
            input: "AuthorizedKeysCommand /opt/eic %u %f\nAuthorizedKeysCommandUser eic\nMatch User backup\n"
                + "    AuthorizedKeysCommand none\n",
            disabling: .all, block: true,
            expected: "#aws-ec2-ssh-disabled# AuthorizedKeysCommand /opt/eic %u %f\n"
                + "#aws-ec2-ssh-disabled# AuthorizedKeysCommandUser eic\n" + block + "\nMatch User backup\n"
                + "    AuthorizedKeysCommand none\n"),
        Case(
            name: "keyword case and = separator",
            input: "authorizedkeyscommand=/opt/x %u\n", disabling: .all, block: false,
            expected: "#aws-ec2-ssh-disabled# authorizedkeyscommand=/opt/x %u\n"),
        Case(
            name: "before-include keeps lines after the Include",
            input: "AuthorizedKeysCommand /a\nInclude /etc/ssh/sshd_config.d/*.conf\nAuthorizedKeysCommand /b\n",
            disabling: .beforeInclude, block: false,
            expected: "#aws-ec2-ssh-disabled# AuthorizedKeysCommand /a\nInclude /etc/ssh/sshd_config.d/*.conf\n"
                + "AuthorizedKeysCommand /b\n"),
        Case(
            name: "the bash tool's lines are commented out for good",
            input: "AuthorizedKeysCommand /opt/authorized_keys_command.sh\nAuthorizedKeysCommandUser nobody\n",
            disabling: .none, block: false,
            expected: "#aws-ec2-ssh-migrated# AuthorizedKeysCommand /opt/authorized_keys_command.sh\n"
                + "#aws-ec2-ssh-migrated# AuthorizedKeysCommandUser nobody\n"),
        Case(
            name: "user nobody stays without the bash tool", input: "AuthorizedKeysCommandUser nobody\n",
            disabling: .none, block: false, expected: "AuthorizedKeysCommandUser nobody\n"),
        Case(
            name: "CRLF kept, new lines in CRLF", input: "Port 22\r\nMatch all\r\n  X yes\r\n", disabling: .all,
            block: true,
            expected: "Port 22\r\n" + block.replacing("\n", with: "\r\n") + "\r\nMatch all\r\n  X yes\r\n"),
        Case(
            name: "comments untouched", input: "#AuthorizedKeysCommand none\n", disabling: .all, block: false,
            expected: "#AuthorizedKeysCommand none\n"),
    ]

    @Test(arguments: cases)
    func install(_ testCase: Case) {
        #expect(
            editor.install(testCase.input, disabling: testCase.disabling, block: testCase.block) == testCase.expected)
    }

    @Test(arguments: cases)
    func installTwiceIsInstallOnce(_ testCase: Case) {
        let once = editor.install(testCase.input, disabling: testCase.disabling, block: testCase.block)
        #expect(editor.install(once, disabling: testCase.disabling, block: testCase.block) == once)
    }

    @Test(arguments: cases.filter { !$0.input.contains("authorized_keys_command.sh") })
    func restoreUndoesInstall(_ testCase: Case) {
        let installed = editor.install(testCase.input, disabling: testCase.disabling, block: testCase.block)
        var expected = testCase.input
        if expected.unicodeScalars.last != "\n" && testCase.block { expected += "\n" }
        #expect(editor.restore(installed) == expected)
    }

    @Test func restoreLeavesMigratedLinesCommented() {
        let text = "#aws-ec2-ssh-migrated# AuthorizedKeysCommand /opt/authorized_keys_command.sh\n"
        #expect(editor.restore(text) == text)
        #expect(!editor.hasOurEdits(text))
        #expect(editor.hasOurEdits("#aws-ec2-ssh-disabled# AuthorizedKeysCommand /x\n"))
    }

    @Test(arguments: [
        ("Include /etc/ssh/sshd_config.d/*.conf\n", true),
        ("Include sshd_config.d/*.conf\n", true),
        ("include /etc/ssh/sshd_config.d/*\n", true),
        ("Include /etc/ssh/other/*.conf\n", false),
        ("Match all\nInclude /etc/ssh/sshd_config.d/*.conf\n", false),
        ("#Include /etc/ssh/sshd_config.d/*.conf\n", false),
        ("Include /etc/ssh/sshd_config.d/*.conf\r\n", true),
    ])
    func includesDropinDirectory(text: String, expected: Bool) {
        #expect(editor.includesDropinDirectory(text) == expected)
    }

    @Test func includePatternsAreAbsoluteAndStopAtMatch() {
        let text = "Include a.conf /etc/ssh/b/*.conf\nMatch all\nInclude c.conf\n"
        #expect(editor.includePatterns(text) == ["/etc/ssh/a.conf", "/etc/ssh/b/*.conf"])
    }

    @Test(
        arguments: [
            ("AuthorizedKeysCommand /opt/eic %u %f\n", ChainedCommand(program: "/opt/eic", arguments: "%u %f")),
            ("AuthorizedKeysCommand none\n", nil),
            ("AuthorizedKeysCommand /usr/local/sbin/authorized_keys_command %u %f\n", nil),
            ("AuthorizedKeysCommand /opt/authorized_keys_command.sh\n", nil),
            ("Match User x\n AuthorizedKeysCommand /opt/eic\n", nil),
            (
                "AuthorizedKeysCommand none\nAuthorizedKeysCommand /b %u\n",
                ChainedCommand(program: "/b", arguments: "%u")
            ),
        ] as [(String, ChainedCommand?)])
    func foreignCommand(text: String, expected: ChainedCommand?) {
        #expect(editor.foreignCommand(text) == expected)
    }

    @Test func dropinReplacesTheSampleLines() {
        let sample = "# comment\nAuthorizedKeysCommand /x %u %f\nAuthorizedKeysCommandUser y\n"
        #expect(editor.dropin(sample: sample) == "# comment\n\(ours)\n\(user)\n")
    }

    @Test func unsupportedTokensOfAChainedCommand() {
        #expect(ChainedCommand(commandLine: "/x %u %f %k").unsupportedTokens == ["%k"])
        #expect(ChainedCommand(commandLine: " /x   %u").arguments == "%u")
    }
}
