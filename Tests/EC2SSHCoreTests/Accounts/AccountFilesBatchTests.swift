import Testing

@testable import EC2SSHCore

/// The batch backend's text generation, against lines useradd 4.13 (Debian 12) wrote in the sandbox.
struct AccountFilesBatchTests {
    static let base = AccountFilesText(
        passwd: "root:x:0:0:root:/root:/bin/bash\ncloud:x:1000:1000::/home/cloud:/bin/bash\n",
        shadow: "root:*:20000:0:99999:7:::\ncloud:!:20000:0:99999:7:::\n",
        group: "root:x:0:\ncloud:x:1000:\ndocker:x:1001:\nmarker:x:1002:cloud\n",
        gshadow: "root:*::\ncloud:!::\ndocker:!::\nmarker:!::cloud\n",
        subuid: "", subgid: "")
    static let debian = BatchAccountSettings.parse(
        loginDefs: "UMASK 022\nPASS_MAX_DAYS\t99999\nPASS_MIN_DAYS 0\nPASS_WARN_AGE 7\nUID_MIN 1000\nUID_MAX 60000\n",
        useraddDefaults: "SHELL=/bin/sh\n")

    @Test func writesTheLinesUseraddWrites() throws {
        let result = try AccountFilesBatch.add(
            [
                BatchAccount(name: "alice", uid: nil, groups: ["marker", "docker"]),
                BatchAccount(name: "bob", uid: 5005, groups: ["marker"]),
                BatchAccount(name: "carol", uid: nil, groups: []),
            ], shell: "/bin/bash", to: Self.base, settings: Self.debian, day: 20787)
        #expect(result.refused.isEmpty)
        #expect(
            result.files.passwd == Self.base.passwd + "alice:x:1001:1003::/home/alice:/bin/bash\n"
                + "bob:x:5005:5005::/home/bob:/bin/bash\ncarol:x:5006:5006::/home/carol:/bin/bash\n")
        #expect(
            result.files.shadow == Self.base.shadow
                + "alice:!:20787:0:99999:7:::\nbob:!:20787:0:99999:7:::\ncarol:!:20787:0:99999:7:::\n")
        #expect(
            result.files.group
                == "root:x:0:\ncloud:x:1000:\ndocker:x:1001:alice\nmarker:x:1002:cloud,alice,bob\n"
                + "alice:x:1003:\nbob:x:5005:\ncarol:x:5006:\n")
        #expect(
            result.files.gshadow
                == "root:*::\ncloud:!::\ndocker:!::alice\nmarker:!::cloud,alice,bob\nalice:!::\nbob:!::\ncarol:!::\n")
        #expect(result.files.subuid == "alice:100000:65536\nbob:165536:65536\ncarol:231072:65536\n")
        #expect(result.files.subgid == result.files.subuid)
        #expect(result.created.map(\.home) == ["/home/alice", "/home/bob", "/home/carol"])
        #expect(result.created.map(\.gid) == [1003, 5005, 5006])
    }

    @Test func withoutSubordinateFilesAndOutsideUIDMaxNoRangeIsAllocated() throws {
        var files = Self.base
        files.subuid = nil
        files.subgid = "x:100000:10\n"
        let result = try AccountFilesBatch.add(
            [BatchAccount(name: "far", uid: 70001, groups: [])], shell: "/bin/sh", to: files, settings: Self.debian,
            day: 1)
        #expect(result.files.subuid == nil)
        #expect(result.files.subgid == "x:100000:10\n")
    }

    @Test func aZeroCountAllocatesNoSubordinateRange() throws {
        var settings = Self.debian
        settings.subUIDCount = 0
        let result = try AccountFilesBatch.add(
            [BatchAccount(name: "new", uid: nil, groups: [])], shell: "/bin/sh", to: Self.base, settings: settings,
            day: 1)
        #expect(result.files.subuid == "")
        #expect(result.files.subgid == "new:100000:65536\n")
    }

    @Test func subordinateRangesFillTheFirstGap() throws {
        var files = Self.base
        files.subuid = "a:100000:65536\nb:300000:65536\n"
        let result = try AccountFilesBatch.add(
            [BatchAccount(name: "new", uid: nil, groups: [])], shell: "/bin/sh", to: files, settings: Self.debian,
            day: 1)
        #expect(result.files.subuid == "a:100000:65536\nb:300000:65536\nnew:165536:65536\n")
    }

    @Test func noFreeSubordinateRangeLeavesTheAccountToUseradd() throws {
        var files = Self.base
        files.subuid = "a:100000:65536\n"
        var settings = Self.debian
        settings.subUIDMax = 200_000
        let result = try AccountFilesBatch.add(
            [BatchAccount(name: "new", uid: nil, groups: ["docker"])], shell: "/bin/sh", to: files, settings: settings,
            day: 1)
        #expect(result.refused.map(\.reason) == ["no free subordinate UID range (SUB_UID_* in /etc/login.defs)"])
        #expect(result.files == files)
    }

    @Test func settingsFollowLoginDefs() {
        let settings = BatchAccountSettings.parse(
            loginDefs: "HOME_MODE 0750\nUMASK 077\nPASS_MAX_DAYS -1\n", useraddDefaults: "HOME=/srv/home\nSKEL=/etc/s\n"
        )
        #expect(settings.homeMode == 0o750)
        #expect(settings.passMaxDays == nil)
        #expect(settings.passMinDays == nil)
        #expect(settings.homeBase == "/srv/home")
        #expect(settings.skel == "/etc/s")
        #expect(BatchAccountSettings.parse(loginDefs: "UMASK 027\n", useraddDefaults: nil).homeMode == 0o750)
    }

    /// Accounts the batch must leave to useradd.
    @Test(arguments: [
        (BatchAccount(name: "cloud", uid: nil, groups: []), "user cloud exists"),
        (BatchAccount(name: "docker", uid: nil, groups: []), "group docker exists"),
        (BatchAccount(name: "x", uid: 1000, groups: []), "UID 1000 is in use"),
        (BatchAccount(name: "x", uid: 1001, groups: []), "GID 1001 is in use"),
        (
            BatchAccount(name: "x", uid: nil, groups: ["nogroup"]),
            "group nogroup is missing from /etc/group or /etc/gshadow"
        ),
        (BatchAccount(name: "..", uid: nil, groups: []), "name \"..\" is not a plain name"),
        (BatchAccount(name: "-r", uid: nil, groups: []), "name \"-r\" is not a plain name"),
        (BatchAccount(name: "a:b", uid: nil, groups: []), "name \"a:b\" is not a plain name"),
        (BatchAccount(name: "a\nb", uid: nil, groups: []), "name \"a\\nb\" is not a plain name"),
        (BatchAccount(name: "+nis", uid: nil, groups: []), "name \"+nis\" is not a plain name"),
        (
            BatchAccount(name: "x", uid: nil, groups: ["docker", "docker"]),
            "its group list [\"docker\", \"docker\"] repeats a group"
        ),
    ])
    func refusesAccount(account: BatchAccount, reason: String) throws {
        let result = try AccountFilesBatch.add(
            [account, BatchAccount(name: "ok", uid: nil, groups: [])], shell: "/bin/bash", to: Self.base,
            settings: Self.debian, day: 1)
        #expect(result.refused.map(\.reason) == [reason])
        #expect(result.created.map(\.name) == ["ok"])
        #expect(result.files.passwd.hasPrefix(Self.base.passwd))
        #expect(result.files.passwd.dropFirst(Self.base.passwd.count).hasPrefix("ok:x:"))
    }

    @Test func aNameTwiceInOneBatchIsRefusedTheSecondTime() throws {
        let result = try AccountFilesBatch.add(
            [BatchAccount(name: "a", uid: nil, groups: []), BatchAccount(name: "a", uid: nil, groups: [])],
            shell: "/bin/bash", to: Self.base, settings: Self.debian, day: 1)
        #expect(result.created.count == 1)
        #expect(result.refused.map(\.reason) == ["user a exists"])
    }

    /// Files the batch refuses whole.
    @Test(arguments: [
        ("passwd", "root:x:0:0:root:/root:/bin/bash"),
        ("passwd", "root:x:0:0:root:/root\n"),
        ("passwd", "+::::::\n"),
        ("passwd", "root:x:0:0:root:/root:/bin/bash\n\n"),
        ("passwd", "root:x:zero:0:root:/root:/bin/bash\n"),
        ("passwd", "a:x:1:1::/:/bin/sh\na:x:2:2::/:/bin/sh\n"),
        ("group", "root:x:0\n"),
        ("group", "root:x:-1:\n"),
        ("shadow", "root:*:1:0:99999:7::\n"),
        ("gshadow", "-root:*::\n"),
    ])
    func refusesFile(file: String, text: String) {
        var files = Self.base
        switch file {
        case "passwd": files.passwd = text
        case "group": files.group = text
        case "shadow": files.shadow = text
        default: files.gshadow = text
        }
        #expect(throws: AccountFilesBatch.Refusal.self) {
            try AccountFilesBatch.add(
                [BatchAccount(name: "new", uid: nil, groups: [])], shell: "/bin/bash", to: files,
                settings: Self.debian, day: 1)
        }
    }

    @Test(arguments: [
        ("CREATE_MAIL_SPOOL=yes\n", ""), ("INACTIVE=30\n", ""), ("EXPIRE=2030-01-01\n", ""),
        ("", "MAX_MEMBERS_PER_GROUP 10\n"),
    ])
    func refusesUnsupportedSettings(defaults: String, loginDefs: String) {
        let settings = BatchAccountSettings.parse(loginDefs: loginDefs, useraddDefaults: defaults)
        #expect(settings.unsupported != nil)
        #expect(throws: AccountFilesBatch.Refusal.self) {
            try AccountFilesBatch.add([], shell: "/bin/bash", to: Self.base, settings: settings, day: 1)
        }
    }

    /// Sources other than the local files (and systemd's) for users or groups: the batch leaves every account to
    /// useradd, which asks them for taken IDs.
    @Test(
        arguments: [
            ("passwd: files sss\ngroup: files sss\n", "passwd: sss"),
            ("passwd:\tfiles systemd\ngroup: files ldap # directory\n", "group: ldap"),
            ("passwd: compat\n", "passwd: compat"),
            ("passwd: files [NOTFOUND=return] winbind\n", "passwd: winbind"),
            ("passwd: files systemd\ngroup: files systemd\nshadow: files sss\nnetgroup: nis\n", nil),
            ("# passwd: ldap\npasswd: files\n", nil),
            ("", nil),
        ] as [(String, String?)])
    func otherIDSourcesLeaveTheBatchToUseradd(nsswitch: String, source: String?) {
        let settings = BatchAccountSettings.parse(loginDefs: "", useraddDefaults: "", nsswitch: nsswitch)
        #expect(BatchAccountSettings.otherIDSource(nsswitch: nsswitch) == source)
        #expect((settings.unsupported != nil) == (source != nil))
        if let source { #expect(settings.unsupported?.hasPrefix(source) == true) }
    }

    @Test(arguments: ["", "bash", "/bin/ba:sh", "/bin/ba\nsh"])
    func refusesAShellThatBreaksALine(shell: String) {
        #expect(throws: AccountFilesBatch.Refusal.self) {
            try AccountFilesBatch.add([], shell: shell, to: Self.base, settings: Self.debian, day: 1)
        }
    }

    @Test(
        arguments: [
            ([], 1000), ([5, 1003], 1004), ([1000, 1001, 1005], 1002), ([1000, 1002, 1005], 1001),
            ([1000, 1001, 1002, 1003, 1004, 1005], nil),
        ] as [([UInt32], UInt32?)])
    func allocatesLikeShadowUtils(used: [UInt32], expected: UInt32?) {
        #expect(AccountFilesBatch.allocate(in: 1000...1005, used: Set(used)) == expected)
    }
}
