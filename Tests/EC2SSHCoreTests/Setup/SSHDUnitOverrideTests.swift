import EC2SSHCore
import Testing

/// Reading AuthorizedKeysCommand out of sshd's ExecStart and writing our override without it.
struct SSHDUnitOverrideTests {
    static let eic = """
        [Service]
        ExecStart=
        ExecStart=/usr/sbin/sshd -D -o "PermitUserEnvironment EIC_*" -o "AuthorizedKeysCommand /usr/share/eic/run %%u %%f" -o "AuthorizedKeysCommandUser ec2-instance-connect" $SSHD_OPTS
        """

    @Test func readsTheCommandAndStripsTheOptions() throws {
        let override = try #require(try SSHDUnitOverride.parse(unitText: Self.eic, sourceFile: "/etc/x.conf"))
        #expect(override.command == ChainedCommand(program: "/usr/share/eic/run", arguments: "%u %f"))
        #expect(
            override.strippedExecStart == "ExecStart=/usr/sbin/sshd -D -o \"PermitUserEnvironment EIC_*\" $SSHD_OPTS")
        let rendered = override.render(configFile: "/etc/aws-ec2-ssh.conf")
        #expect(rendered.hasSuffix("[Service]\nExecStart=\n" + override.strippedExecStart + "\n"))
    }

    @Test(arguments: [
        "[Service]\nExecStart=/usr/sbin/sshd -D\n",
        "[Service]\nEnvironment=X=AuthorizedKeysCommand\n",
        "",
    ])
    func noCommandIsNil(text: String) throws {
        #expect(try SSHDUnitOverride.parse(unitText: text, sourceFile: "/u") == nil)
    }

    @Test(arguments: [
        "ExecStart=/usr/sbin/sshd -D -oAuthorizedKeysCommand=/x\n",
        "ExecStart=/usr/sbin/sshd -D -o 'AuthorizedKeysCommand /x %%u'\n",
    ])
    func unreadableFormIsRefused(text: String) {
        #expect(throws: EC2SSHError.self) { try SSHDUnitOverride.parse(unitText: text, sourceFile: "/u") }
    }

    @Test func lastExecStartWins() throws {
        let text =
            "ExecStart=/a -o \"AuthorizedKeysCommand /first\"\nExecStart=/b -o \"AuthorizedKeysCommand /second %%u\"\n"
        let override = try #require(try SSHDUnitOverride.parse(unitText: text, sourceFile: "/u"))
        #expect(override.command == ChainedCommand(program: "/second", arguments: "%u"))
        #expect(override.strippedExecStart == "ExecStart=/b")
    }
}
