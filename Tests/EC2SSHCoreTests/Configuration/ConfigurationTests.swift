import Testing

@testable import EC2SSHCore

@Suite struct ConfigurationTests {
    static let path = "/etc/aws-ec2-ssh.conf"

    private func parse(_ text: String) throws -> (Configuration, [ConfigWarning]) {
        try Configuration.parse(text, path: Self.path)
    }

    @Test func defaultsMatchTheOriginalAndTheDesign() throws {
        let defaults = Configuration()
        #expect(defaults.assumeRole == "")
        #expect(defaults.iamAuthorizedGroups.isEmpty)
        #expect(defaults.sudoersGroups.isEmpty)
        #expect(!defaults.grantsSudoToEveryone)
        #expect(defaults.iamAuthorizedGroupsTag == "")
        #expect(defaults.sudoersGroupsTag == "")
        #expect(defaults.localMarkerGroup == "iam-synced-users")
        #expect(defaults.localGroups.isEmpty)
        #expect(defaults.useraddProgram == "/usr/sbin/useradd")
        #expect(defaults.useraddArgs == ["--user-group", "--create-home", "--shell", "/bin/bash"])
        #expect(defaults.userdelProgram == "/usr/sbin/userdel")
        #expect(defaults.userdelArgs == ["--force", "--remove"])
        #expect(defaults.doNotSync == false)
        #expect(defaults.sudoersRule == "ALL=(ALL) NOPASSWD:ALL")
        #expect(defaults.deleteAfterMissingRuns == 1)
        #expect(defaults.maxDeletePercent == 50)
        #expect(defaults.uidSource == .useradd)
        #expect(defaults.accountBackend == .useradd)
        #expect(defaults.uidRange == 70_000...99_999)
        #expect(defaults.localGroupMap.isEmpty)
        #expect(defaults.accessExpiryTag == "")
        #expect(defaults.keyCacheTTL == 0)
        #expect(defaults.keyCacheStaleMax == 86_400)
        #expect(defaults.keyCommandTimeout == 5)
        #expect(defaults.stateDir == "/var/lib/aws-ec2-ssh")
        #expect(defaults.keyCacheDir == "/var/cache/aws-ec2-ssh")
        #expect(defaults.chainedAuthorizedKeysCommand == nil)
        #expect(defaults.chainedAuthorizedKeysCommandArgs.isEmpty)
        #expect(defaults.environment.isEmpty)
        #expect(defaults.snapshotURL == nil)
        #expect(defaults.snapshotBucketOwner == "")
        #expect(defaults.snapshotKMSKeyID == "")
        #expect(defaults.snapshotResignInterval == 900)
        #expect(defaults.snapshotTags.isEmpty)
        #expect(Configuration.defaultPath == "/etc/aws-ec2-ssh.conf")
    }

    @Test(arguments: ["", "\n\n# only comments\n", "DONOTSYNC=0"])
    func emptyFileGivesDefaults(text: String) throws {
        let (configuration, warnings) = try parse(text)
        #expect(configuration == Configuration())
        #expect(warnings.isEmpty)
    }

    /// Every key, with the change it makes to the defaults.
    static let everyKey: [(String, @Sendable (inout Configuration) -> Void)] = [
        ("ASSUMEROLE=\"arn:aws:iam::123456789012:role/ssh\"", { $0.assumeRole = "arn:aws:iam::123456789012:role/ssh" }),
        (
            "IAM_AUTHORIZED_GROUPS=\"admins,dev+ops, a@b.c ,,\"",
            { $0.iamAuthorizedGroups = ["admins", "dev+ops", "a@b.c"] }
        ),
        ("IAM_AUTHORIZED_GROUPS=\"a b,a\"", { $0.iamAuthorizedGroups = ["a", "b"] }),
        ("SUDOERS_GROUPS=\"admins,ops\"", { $0.sudoersGroups = ["admins", "ops"] }),
        ("SUDOERS_GROUPS=\"##ALL##\"", { $0.sudoersGroups = ["##ALL##"] }),
        ("IAM_AUTHORIZED_GROUPS_TAG=\"ssh-groups\"", { $0.iamAuthorizedGroupsTag = "ssh-groups" }),
        ("SUDOERS_GROUPS_TAG='aws:sudo groups'", { $0.sudoersGroupsTag = "aws:sudo groups" }),
        ("LOCAL_MARKER_GROUP=\"iam-users\"", { $0.localMarkerGroup = "iam-users" }),
        ("LOCAL_GROUPS=\"docker, wheel,docker\"", { $0.localGroups = ["docker", "wheel"] }),
        ("USERADD_PROGRAM=/usr/local/sbin/adduser-wrapper", { $0.useraddProgram = "/usr/local/sbin/adduser-wrapper" }),
        (
            "USERADD_ARGS=\"--create-home --comment 'IAM user'\"",
            { $0.useraddArgs = ["--create-home", "--comment", "IAM user"] }
        ),
        ("USERDEL_PROGRAM=\"/sbin/userdel\"", { $0.userdelProgram = "/sbin/userdel" }),
        ("USERDEL_ARGS=\"--remove\"", { $0.userdelArgs = ["--remove"] }),
        ("DONOTSYNC=1", { $0.doNotSync = true }),
        ("SUDOERS_RULE=\"ALL=(ALL) ALL\"", { $0.sudoersRule = "ALL=(ALL) ALL" }),
        ("DELETE_AFTER_MISSING_RUNS=3", { $0.deleteAfterMissingRuns = 3 }),
        ("MAX_DELETE_PERCENT=0", { $0.maxDeletePercent = 0 }),
        ("MAX_DELETE_PERCENT=100", { $0.maxDeletePercent = 100 }),
        ("UID_SOURCE=iam-user-id", { $0.uidSource = .iamUserID }),
        ("UID_SOURCE=useradd", { $0.uidSource = .useradd }),
        ("ACCOUNT_BACKEND=batch", { $0.accountBackend = .batch }),
        ("ACCOUNT_BACKEND=useradd", { $0.accountBackend = .useradd }),
        ("UID_RANGE=\"2000-2999\"", { $0.uidRange = 2000...2999 }),
        ("UID_RANGE=1000-1000", { $0.uidRange = 1000...1000 }),
        (
            "LOCAL_GROUP_MAP=\"developers:docker,developers:adm, admins:wheel,developers:docker\"",
            { $0.localGroupMap = ["developers": ["docker", "adm"], "admins": ["wheel"]] }
        ),
        ("ACCESS_EXPIRY_TAG=ssh-expires", { $0.accessExpiryTag = "ssh-expires" }),
        ("KEY_CACHE_TTL=300", { $0.keyCacheTTL = 300 }),
        ("KEY_CACHE_STALE_MAX=0", { $0.keyCacheStaleMax = 0 }),
        ("KEY_COMMAND_TIMEOUT=60", { $0.keyCommandTimeout = 60 }),
        ("KEY_COMMAND_TIMEOUT=1", { $0.keyCommandTimeout = 1 }),
        ("STATE_DIR=/srv/state", { $0.stateDir = "/srv/state" }),
        ("KEY_CACHE_DIR=\"/run/aws-ec2-ssh/\"", { $0.keyCacheDir = "/run/aws-ec2-ssh/" }),
        (
            "CHAINED_AUTHORIZED_KEYS_COMMAND=/usr/bin/google_authorized_keys",
            { $0.chainedAuthorizedKeysCommand = "/usr/bin/google_authorized_keys" }
        ),
        ("AWS_REGION=eu-west-1", { $0.environment["AWS_REGION"] = "eu-west-1" }),
        (
            "export AWS_ENDPOINT_URL=\"http://127.0.0.1:5000\"",
            { $0.environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:5000" }
        ),
        ("HTTPS_PROXY=http://proxy:3128", { $0.environment["HTTPS_PROXY"] = "http://proxy:3128" }),
        ("https_proxy=http://proxy:3128", { $0.environment["https_proxy"] = "http://proxy:3128" }),
        ("HTTP_PROXY=http://proxy:3128", { $0.environment["HTTP_PROXY"] = "http://proxy:3128" }),
        ("http_proxy=http://proxy:3128", { $0.environment["http_proxy"] = "http://proxy:3128" }),
        ("NO_PROXY=169.254.169.254,.internal", { $0.environment["NO_PROXY"] = "169.254.169.254,.internal" }),
        ("no_proxy=localhost", { $0.environment["no_proxy"] = "localhost" }),
        ("AWS_PROFILE=", { $0.environment["AWS_PROFILE"] = "" }),
        ("SNAPSHOT_KMS_KEY_ID=alias/aws-ec2-ssh-snapshot", { $0.snapshotKMSKeyID = "alias/aws-ec2-ssh-snapshot" }),
        (
            "SNAPSHOT_KMS_KEY_ID=arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            { $0.snapshotKMSKeyID = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
        ),
        ("SNAPSHOT_RESIGN_INTERVAL=60", { $0.snapshotResignInterval = 60 }),
        ("SNAPSHOT_RESIGN_INTERVAL=86400", { $0.snapshotResignInterval = 86_400 }),
        ("SNAPSHOT_TAGS=\"ssh-expires, team,ssh-expires,\"", { $0.snapshotTags = ["ssh-expires", "team"] }),
    ]

    @Test(arguments: everyKey)
    func readsEveryKey(line: String, change: @Sendable (inout Configuration) -> Void) throws {
        var expected = Configuration()
        change(&expected)
        let (configuration, warnings) = try parse(line + "\n")
        #expect(configuration == expected)
        #expect(warnings.isEmpty)
    }

    @Test func chainedCommandWithArguments() throws {
        let text = "CHAINED_AUTHORIZED_KEYS_COMMAND=/usr/bin/other\nCHAINED_AUTHORIZED_KEYS_COMMAND_ARGS=\"-u '%u'\"\n"
        let (configuration, warnings) = try parse(text)
        #expect(configuration.chainedAuthorizedKeysCommand == "/usr/bin/other")
        #expect(configuration.chainedAuthorizedKeysCommandArgs == ["-u", "%u"])
        #expect(warnings.isEmpty)
    }

    @Test(arguments: [
        "LOCAL_MARKER_GROUP", "USERADD_PROGRAM", "USERADD_ARGS", "USERDEL_PROGRAM", "USERDEL_ARGS", "SUDOERS_RULE",
        "UID_RANGE", "UID_SOURCE", "KEY_COMMAND_TIMEOUT", "STATE_DIR", "DONOTSYNC", "DELETE_AFTER_MISSING_RUNS",
    ])
    func emptyValueMeansDefault(key: String) throws {
        let (configuration, warnings) = try parse("\(key)=\"\"\n")
        #expect(configuration == Configuration())
        #expect(warnings.isEmpty)
    }

    @Test func sudoEveryone() throws {
        let (configuration, _) = try parse("SUDOERS_GROUPS=\"##ALL##\"")
        #expect(configuration.grantsSudoToEveryone)
    }

    @Test(arguments: [
        ("ASSUMEROLE=my-role", "IAM role ARN"),
        ("ASSUMEROLE=arn:aws:iam::123456789012:user/x", "IAM role ARN"),
        ("IAM_AUTHORIZED_GROUPS=\"admins,dev/ops\"", "'dev/ops' is not a valid IAM group name"),
        ("IAM_AUTHORIZED_GROUPS=\"##ALL##\"", "'##ALL##' is not a valid IAM group name"),
        ("SUDOERS_GROUPS=\"adm!ns\"", "not a valid IAM group name"),
        ("SUDOERS_GROUPS=\(String(repeating: "g", count: 129))", "at most 128"),
        ("IAM_AUTHORIZED_GROUPS_TAG=\(String(repeating: "t", count: 129))", "tag key of at most 128"),
        ("LOCAL_MARKER_GROUP=-oops", "not a valid local group name"),
        ("LOCAL_MARKER_GROUP=1234", "not a valid local group name"),
        ("LOCAL_GROUPS=\"docker,bad group\"", "'bad group' is not a valid local group name"),
        ("LOCAL_GROUPS=\(String(repeating: "g", count: 33))", "at most 32"),
        ("USERADD_PROGRAM=useradd", "absolute path"),
        ("USERADD_PROGRAM=/usr/sbin/", "not of a directory"),
        ("USERDEL_PROGRAM=/usr/../tmp/userdel", "'..'"),
        ("USERADD_ARGS=\"--home 'x\"", "unterminated single quote"),
        ("USERADD_ARGS='--home $HOME'", "variable expansion"),
        ("USERDEL_ARGS='--force;reboot'", "shell operator"),
        ("DONOTSYNC=yes", "expected 0 or 1"),
        ("DONOTSYNC=2", "expected 0 or 1"),
        ("SUDOERS_RULE='ALL=(ALL) ALL\\'", "trailing backslash"),
        ("SUDOERS_RULE='  '", "the rule is blank"),
        // Found by the config fuzzer (scripts/fuzz): accepted here, then refused by SudoersFile.validate(rule:).
        ("SUDOERS_RULE=\"ALL=(ALL\u{85}\\\"NOPASSWD\\\":ALL\"", "Unicode line separator"),
        ("SUDOERS_RULE=\"ALL=(ALL) \u{2028}ALL\"", "Unicode line separator"),
        ("SUDOERS_RULE=\"ALL=(ALL) ALL\u{2029}\"", "Unicode line separator"),
        ("DELETE_AFTER_MISSING_RUNS=0", "from 1 to 1000"),
        ("DELETE_AFTER_MISSING_RUNS=-1", "from 1 to 1000"),
        ("DELETE_AFTER_MISSING_RUNS=two", "from 1 to 1000"),
        ("MAX_DELETE_PERCENT=101", "from 0 to 100"),
        ("MAX_DELETE_PERCENT=+5", "from 0 to 100"),
        ("MAX_DELETE_PERCENT=99999999999999999999", "from 0 to 100"),
        ("UID_SOURCE=random", "expected useradd or iam-user-id"),
        ("ACCOUNT_BACKEND=newusers", "expected useradd or batch"),
        ("UID_RANGE=500-2000", "0-999 are system ids"),
        ("UID_RANGE=0-99999", "0-999 are system ids"),
        ("UID_RANGE=5000-4000", "MIN must not be above MAX"),
        ("UID_RANGE=5000-4294967295", "MIN must not be above MAX"),
        ("UID_RANGE=5000", "expected MIN-MAX"),
        ("UID_RANGE=5000-6000-7000", "expected MIN-MAX"),
        ("UID_RANGE=a-b", "expected MIN-MAX"),
        ("LOCAL_GROUP_MAP=developers", "not an iam-group:local-group pair"),
        ("LOCAL_GROUP_MAP=dev:docker:x", "not an iam-group:local-group pair"),
        ("LOCAL_GROUP_MAP=dev/x:docker", "not an iam-group:local-group pair"),
        ("LOCAL_GROUP_MAP=dev:-docker", "not a valid local group name"),
        ("KEY_CACHE_TTL=-5", "from 0 to"),
        ("KEY_CACHE_STALE_MAX=1d", "from 0 to"),
        ("KEY_COMMAND_TIMEOUT=0", "from 1 to 60"),
        ("KEY_COMMAND_TIMEOUT=61", "from 1 to 60"),
        ("STATE_DIR=var/lib/x", "absolute path"),
        ("KEY_CACHE_DIR=/", "root directory"),
        ("KEY_CACHE_DIR=//", "root directory"),
        ("CHAINED_AUTHORIZED_KEYS_COMMAND=other-command", "absolute path"),
        ("CHAINED_AUTHORIZED_KEYS_COMMAND_ARGS=\"`id`\"", "backticks"),
        ("SUDOERSGROUP=\"bad/name\"", "invalid SUDOERSGROUP"),
        ("SNAPSHOT_KMS_KEY_ID=\"alias/two words\"", "KMS key id"),
        ("SNAPSHOT_KMS_KEY_ID=\(String(repeating: "k", count: 2049))", "KMS key id"),
        ("SNAPSHOT_RESIGN_INTERVAL=59", "from 60 to 86400"),
        ("SNAPSHOT_RESIGN_INTERVAL=15m", "from 60 to 86400"),
        ("SNAPSHOT_TAGS=\(String(repeating: "t", count: 129))", "tag key of at most 128"),
    ])
    func rejectsBadValueWithLine(line: String, fragment: String) {
        let text = "# comment\nDONOTSYNC=0\n\n\(line)\nAWS_REGION=eu-west-1\n"
        #expect {
            try parse(text)
        } throws: { error in
            guard case .invalidConfiguration(let path, let lineNumber, let message) = error as? EC2SSHError else {
                return false
            }
            return path == Self.path && lineNumber == 4 && message.contains(fragment)
        }
    }

    @Test func badValueMessageNamesKeyAndValue() {
        let error = #expect(throws: EC2SSHError.self) { try parse("KEY_COMMAND_TIMEOUT=90\n") }
        #expect(
            error?.description == "/etc/aws-ec2-ssh.conf:1: invalid KEY_COMMAND_TIMEOUT=\"90\": expected a whole number"
                + " from 1 to 60")
    }

    @Test func syntaxErrorsComeFromTheLineParser() {
        #expect(throws: EC2SSHError.self) { try parse("SUDOERS_GROUPS=$(curl evil)\n") }
    }

    @Test func lastDuplicateWinsWithWarning() throws {
        let (configuration, warnings) = try parse("LOCAL_GROUPS=a\nLOCAL_GROUPS=b\nLOCAL_GROUPS=c\n")
        #expect(configuration.localGroups == ["c"])
        #expect(warnings.map(\.line) == [2, 3])
        #expect(warnings.allSatisfy { $0.key == "LOCAL_GROUPS" && $0.message.contains("the last value wins") })
        #expect(warnings.first?.message.contains("first on line 1") == true)
    }

    @Test func badValueOverriddenByALaterLineIsNotAnError() throws {
        let (configuration, warnings) = try parse("KEY_COMMAND_TIMEOUT=999\nKEY_COMMAND_TIMEOUT=10\n")
        #expect(configuration.keyCommandTimeout == 10)
        #expect(warnings.count == 1)
    }

    @Test func unknownKeysAreWarnings() throws {
        let (configuration, warnings) = try parse("DONOTSYNC=1\nSUDOER_GROUPS=admins\nfoo=bar\n")
        #expect(configuration.doNotSync)
        #expect(configuration.sudoersGroups.isEmpty)
        #expect(warnings.map(\.key) == ["SUDOER_GROUPS", "foo"])
        #expect(warnings.map(\.line) == [2, 3])
        #expect(warnings.first?.description.hasPrefix("/etc/aws-ec2-ssh.conf:2: unknown key SUDOER_GROUPS") == true)
    }

    @Test func legacySudoersGroupIsUsedWithDeprecationWarning() throws {
        let (configuration, warnings) = try parse("SUDOERSGROUP=\"admins\"\n")
        #expect(configuration.sudoersGroups == ["admins"])
        #expect(warnings.count == 1)
        #expect(warnings.first?.key == "SUDOERSGROUP")
        #expect(warnings.first?.message.contains("deprecated; rename it to SUDOERS_GROUPS") == true)
    }

    @Test func legacySudoersGroupAllowsEveryone() throws {
        let (configuration, _) = try parse("SUDOERSGROUP='##ALL##'\n")
        #expect(configuration.grantsSudoToEveryone)
    }

    @Test func legacySudoersGroupIsIgnoredWhenTheNewKeyIsSet() throws {
        let (configuration, warnings) = try parse("SUDOERSGROUP=old\nSUDOERS_GROUPS=new\n")
        #expect(configuration.sudoersGroups == ["new"])
        #expect(warnings.count == 1)
        #expect(warnings.first?.line == 1)
        #expect(warnings.first?.message.contains("ignored because SUDOERS_GROUPS is set") == true)
    }

    @Test func emptyLegacySudoersGroupIsSilent() throws {
        let (configuration, warnings) = try parse("SUDOERSGROUP=\"\"\n")
        #expect(configuration == Configuration())
        #expect(warnings.isEmpty)
    }

    @Test func chainedArgumentsWithoutCommandWarn() throws {
        let (configuration, warnings) = try parse("CHAINED_AUTHORIZED_KEYS_COMMAND_ARGS=\"%u\"\n")
        #expect(configuration.chainedAuthorizedKeysCommand == nil)
        #expect(warnings.map(\.key) == ["CHAINED_AUTHORIZED_KEYS_COMMAND_ARGS"])
    }

    /// The file the original install.sh writes with `-a ARN -i GROUPS -l GROUPS -s GROUPS -p PROGRAM -u ARGS`.
    @Test func readsAFileWrittenByTheOriginalInstaller() throws {
        let text = """
            IAM_AUTHORIZED_GROUPS="admins,developers"
            SUDOERS_GROUPS="admins"
            LOCAL_GROUPS="docker,wheel"
            ASSUMEROLE="arn:aws:iam::123456789012:role/ssh-users"
            USERADD_PROGRAM="/usr/sbin/useradd"
            USERADD_ARGS="--create-home --shell /bin/bash"

            """
        let (configuration, warnings) = try parse(text)
        var expected = Configuration()
        expected.iamAuthorizedGroups = ["admins", "developers"]
        expected.sudoersGroups = ["admins"]
        expected.localGroups = ["docker", "wheel"]
        expected.assumeRole = "arn:aws:iam::123456789012:role/ssh-users"
        expected.useraddArgs = ["--create-home", "--shell", "/bin/bash"]
        #expect(configuration == expected)
        #expect(warnings.isEmpty)
    }

    /// The sample aws-ec2-ssh.conf shipped by the original tool.
    @Test func readsTheOriginalSampleFile() throws {
        let text = """
            IAM_AUTHORIZED_GROUPS=""
            LOCAL_MARKER_GROUP="iam-synced-users"
            LOCAL_GROUPS=""
            SUDOERS_GROUPS=""
            ASSUMEROLE=""

            # Remove or set to 0 if you are done with configuration
            # To change the interval of the sync change the file
            # /etc/cron.d/import_users
            DONOTSYNC=1

            """
        let (configuration, warnings) = try parse(text)
        var expected = Configuration()
        expected.doNotSync = true
        #expect(configuration == expected)
        #expect(warnings.isEmpty)
    }

    @Test func everyNewKeyIsKnown() {
        for key in [
            "SUDOERS_RULE", "DELETE_AFTER_MISSING_RUNS", "MAX_DELETE_PERCENT", "UID_SOURCE", "UID_RANGE",
            "LOCAL_GROUP_MAP", "ACCESS_EXPIRY_TAG", "KEY_CACHE_TTL", "KEY_CACHE_STALE_MAX", "KEY_COMMAND_TIMEOUT",
            "STATE_DIR", "KEY_CACHE_DIR", "CHAINED_AUTHORIZED_KEYS_COMMAND", "CHAINED_AUTHORIZED_KEYS_COMMAND_ARGS",
            "SNAPSHOT_URL", "SNAPSHOT_BUCKET_OWNER", "SNAPSHOT_KMS_KEY_ID", "SNAPSHOT_RESIGN_INTERVAL", "SNAPSHOT_TAGS",
        ] {
            #expect(Configuration.knownKeys.contains(key), "\(key)")
        }
        #expect(!Configuration.isEnvironmentKey("AWSREGION"))
        #expect(Configuration.isEnvironmentKey("AWS_SHARED_CREDENTIALS_FILE"))
    }
}
