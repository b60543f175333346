import EC2SSHCore
import Testing

/// get/set on the configuration file through the one parser; every documented key is settable.
struct ConfigFileEditorTests {
    static let path = "/etc/aws-ec2-ssh.conf"

    func edited(_ text: String, _ sets: [(String, String)]) throws -> String {
        var editor = try ConfigFileEditor(text: text, path: Self.path)
        for (key, value) in sets { try editor.set(key, to: value) }
        return editor.text
    }

    @Test(arguments: [
        (
            "replaces the active line", "A=1\nIAM_AUTHORIZED_GROUPS=\"x\"\n# note\n",
            "A=1\nIAM_AUTHORIZED_GROUPS=\"ops\"\n# note\n"
        ),
        (
            "after the commented template", "# doc\n#IAM_AUTHORIZED_GROUPS=\"\"\nB=2\n",
            "# doc\n#IAM_AUTHORIZED_GROUPS=\"\"\nIAM_AUTHORIZED_GROUPS=\"ops\"\nB=2\n"
        ),
        ("appended", "B=2\n", "B=2\nIAM_AUTHORIZED_GROUPS=\"ops\"\n"),
        ("appended without final newline", "B=2", "B=2\nIAM_AUTHORIZED_GROUPS=\"ops\"\n"),
        (
            "duplicates collapse", "IAM_AUTHORIZED_GROUPS=a\nX=1\nexport IAM_AUTHORIZED_GROUPS='b'\n",
            "IAM_AUTHORIZED_GROUPS=\"ops\"\nX=1\n"
        ),
        (
            "CRLF kept", "A=1\r\n#IAM_AUTHORIZED_GROUPS=\"\"\r\n",
            "A=1\r\n#IAM_AUTHORIZED_GROUPS=\"\"\r\nIAM_AUTHORIZED_GROUPS=\"ops\"\r\n"
        ),
        ("empty file", "", "IAM_AUTHORIZED_GROUPS=\"ops\"\n"),
    ])
    func set(name: String, input: String, expected: String) throws {
        #expect(try edited(input, [("IAM_AUTHORIZED_GROUPS", "ops")]) == expected, "\(name)")
    }

    /// The README's fleet example and every key of the sample file: none is refused (defect 5).
    @Test(
        arguments: Array(Configuration.knownKeys) + [
            "AWS_REGION", "HTTPS_PROXY", "https_proxy", "http_proxy", "no_proxy", "NO_PROXY", "HTTP_PROXY",
        ])
    func everyDocumentedKeyIsSettable(key: String) throws {
        #expect(ConfigFileEditor.isSettable(key))
        var editor = try ConfigFileEditor(text: "", path: Self.path)
        try editor.set(key, to: "v")
        #expect(editor.value(of: key) == "v")
    }

    @Test func fleetExampleKeys() throws {
        let text = try edited(
            "",
            [
                ("IAM_AUTHORIZED_GROUPS_TAG", "ssh-groups"), ("SUDOERS_GROUPS_TAG", "ssh-sudo-groups"),
                ("USERADD_ARGS", "--create-home --shell /bin/zsh"), ("UID_RANGE", "20000-29999"),
                ("KEY_CACHE_DIR", "/var/cache/ec2ssh"),
            ])
        let (configuration, warnings) = try ConfigFileEditor(text: text, path: Self.path).validate()
        #expect(warnings.isEmpty)
        #expect(configuration.sudoersGroupsTag == "ssh-sudo-groups")
        #expect(configuration.keyCacheDir == "/var/cache/ec2ssh")
    }

    @Test(arguments: ["NOT_A_KEY", "iam_authorized_groups", "PATH", "LD_PRELOAD"])
    func unknownKeyIsRefused(key: String) throws {
        var editor = try ConfigFileEditor(text: "", path: Self.path)
        #expect(
            throws: EC2SSHError.invalidSetup(
                path: nil,
                message: "unknown configuration key [\(key)]; the keys are listed in etc/aws-ec2-ssh.conf and README.md"
            )
        ) {
            try editor.set(key, to: "1")
        }
    }

    @Test(arguments: ["a\"b", "a\\b", "$(id)", "`id`", "a\nb", "a\rb"])
    func unwritableValueIsRefused(value: String) throws {
        var editor = try ConfigFileEditor(text: "", path: Self.path)
        #expect { try editor.set("LOCAL_GROUPS", to: value) } throws: { error in
            "\(error)".contains("may not contain")
        }
        #expect(editor.text == "")
    }

    /// Defect 3: values the parser refuses are caught before anything is written, with its message.
    @Test(arguments: [
        ("IAM_AUTHORIZED_GROUPS", "ssh;ops"), ("KEY_COMMAND_TIMEOUT", "120"), ("MAX_DELETE_PERCENT", "abc"),
        ("DONOTSYNC", "yes"), ("UID_RANGE", "5-1"),
    ])
    func invalidValueIsRefusedByTheParser(key: String, value: String) throws {
        let text = try edited("", [(key, value)])
        #expect { try ConfigFileEditor(text: text, path: Self.path).validate() } throws: { error in
            "\(error)".hasPrefix("\(Self.path):1: invalid \(key)=")
        }
    }

    /// A file with shell code in it (the bash tool sourced it) is refused, naming the line.
    @Test func shellInTheFileIsRefusedNamingTheLine() {
        let text = "A=1\nSUDOERS_GROUPS=\"$(cat /etc/groups)\"\n"
        #expect { try ConfigFileEditor(text: text, path: Self.path) } throws: { error in
            "\(error)".hasPrefix("\(Self.path):2:")
        }
    }

    @Test func getAndCommentOut() throws {
        var editor = try ConfigFileEditor(text: "SUDOERSGROUP=\"old\"\nX=1\nSUDOERSGROUP=new\n", path: Self.path)
        #expect(editor.value(of: "SUDOERSGROUP") == "new")
        #expect(editor.value(of: "MISSING") == nil)
        editor.commentOut("SUDOERSGROUP", note: "replaced by SUDOERS_GROUPS")
        #expect(!editor.sets("SUDOERSGROUP"))
        #expect(editor.text.hasPrefix("# replaced by SUDOERS_GROUPS: SUDOERSGROUP=\"old\"\n"))
    }
}
