import EC2SSHCore
import EC2SSHSystem
import TestSupport
import Testing

@testable import ImportUsers

/// ACCOUNT_BACKEND=batch under failure: a write failing between two account files is taken back in the same run, a
/// kill there by the next run (`recoverInterrupted()`), and useradd never meets a half-created account's group.
struct BatchAccountCreatorTests {
    static let stateDir = "/var/lib/aws-ec2-ssh"
    static let original: [String: String] = [
        "/etc/passwd": "root:x:0:0:root:/root:/bin/bash\ncloud:x:1000:1000::/home/cloud:/bin/bash\n",
        "/etc/shadow": "root:*:20000:0:99999:7:::\ncloud:!:20000:0:99999:7:::\n",
        "/etc/group": "root:x:0:\ncloud:x:1000:\nmarker:x:1002:cloud\n",
        "/etc/gshadow": "root:*::\ncloud:!::\nmarker:!::cloud\n",
        "/etc/subuid": "cloud:100000:65536\n",
        "/etc/subgid": "cloud:100000:65536\n",
        "/etc/login.defs": "UMASK 022\nUID_MIN 1000\nUID_MAX 60000\nHOME_MODE 0750\n",
        "/etc/default/useradd": "SHELL=/bin/sh\n",
    ]
    static let accounts = [
        BatchAccount(name: "alice", uid: nil, groups: ["marker"]),
        BatchAccount(name: "bob", uid: nil, groups: ["marker"]),
    ]

    let files = MemoryAccountFiles(Self.original)
    let fileSystem = MemoryFileSystem(directories: [Self.stateDir])
    let log = LogCapture()

    var store: StateStore { StateStore(directory: Self.stateDir, fileSystem: fileSystem) }

    /// A creator over `other` (by default the test's files) whose runner expects nothing (no nscd, sssd or
    /// SELinux here).
    func creator(_ other: MemoryAccountFiles? = nil) -> BatchAccountCreator {
        BatchAccountCreator(
            files: other ?? files, runner: RecordingProcessRunner(), time: FakeClock(), paths: .standard,
            store: store, logger: log.logger)
    }

    func texts() -> [String: String] {
        Dictionary(uniqueKeysWithValues: Self.original.keys.map { ($0, files.text($0) ?? "") })
    }

    @Test func aBatchCreatesTheAccountsTheirHomesAndRemovesItsJournal() throws {
        let created = creator().create(Self.accounts, shell: "/bin/bash", subordinateIDs: true)
        #expect(created == .init(uids: ["alice": 1001, "bob": 1002], blocked: []))
        #expect(files.text("/etc/passwd")?.hasSuffix("bob:x:1002:1003::/home/bob:/bin/bash\n") == true)
        #expect(files.homes["/home/alice"]?.mode == 0o750)
        #expect(try store.loadBatchJournal() == nil)
        let (lastlog, faillog) = (AccountFilesStore.lastlogRecordSize, AccountFilesStore.faillogRecordSize)
        #expect(
            files.cleared == [
                "/var/log/lastlog@\(1001 * lastlog)+\(lastlog)", "/var/log/lastlog@\(1002 * lastlog)+\(lastlog)",
                "/var/log/faillog@\(1001 * faillog)+\(faillog)", "/var/log/faillog@\(1002 * faillog)+\(faillog)",
            ])
    }

    /// LASTLOG_UID_MAX: useradd leaves the lastlog record of a higher UID alone, and so does the batch.
    @Test func lastlogRecordsAboveLastlogUIDMaxAreLeftAlone() throws {
        let files = MemoryAccountFiles(
            Self.original.merging(["/etc/login.defs": "UID_MIN 1000\nLASTLOG_UID_MAX 1001\n"]) { $1 })
        let creator = creator(files)
        _ = creator.create(Self.accounts, shell: "/bin/bash", subordinateIDs: false)
        #expect(files.cleared.filter { $0.hasPrefix("/var/log/lastlog") }.count == 1)
        #expect(files.cleared.filter { $0.hasPrefix("/var/log/faillog") }.count == 2)
    }

    /// A write that fails at any file is taken back at once, so useradd can create the accounts as if nothing
    /// happened.
    @Test(arguments: ["/etc/group", "/etc/gshadow", "/etc/subgid", "/etc/subuid", "/etc/shadow", "/etc/passwd"])
    func aWriteFailingBetweenFilesIsTakenBackBeforeUseradd(failing: String) throws {
        files.fail(failing)
        let created = creator().create(Self.accounts, shell: "/bin/bash", subordinateIDs: true)
        #expect(created == .init())
        #expect(texts() == Self.original)
        #expect(files.homes.isEmpty)
        #expect(try store.loadBatchJournal() == nil)
        #expect(log.text.contains("useradd creates the accounts one by one"))
    }

    /// When the lines cannot be taken back either, the accounts are blocked for this run (useradd would fail on
    /// their groups) and the journal stays for the next run, which takes them back.
    @Test func aWriteAndItsUndoFailingBlockTheAccountsUntilTheNextRun() throws {
        files.fail("/etc/passwd")
        files.fail("/etc/shadow", afterSucceeding: 1)
        let created = creator().create(Self.accounts, shell: "/bin/bash", subordinateIDs: true)
        #expect(created == .init(uids: [:], blocked: ["alice", "bob"]))
        #expect(files.text("/etc/group")?.contains("alice:x:") == true)
        #expect(try store.loadBatchJournal()?.accounts.map(\.name) == ["alice", "bob"])
        #expect(log.text.contains("could not be taken back"))

        files.succeed("/etc/shadow")
        #expect(creator().recoverInterrupted() == 0)
        #expect(texts() == Self.original)
        #expect(try store.loadBatchJournal() == nil)
    }

    /// A journal left by a kill: whatever reached the files before /etc/passwd goes, in any order of kill.
    @Test(arguments: 0...5)
    func theNextRunTakesBackAKilledBatch(written: Int) throws {
        try simulateKill(afterWriting: written)
        #expect(creator().recoverInterrupted() == 0)
        #expect(texts() == Self.original)
        #expect(files.homes.isEmpty)
        #expect(try store.loadBatchJournal() == nil)
        #expect(log.text.contains("took back the lines of 2 accounts"))
    }

    /// A kill after /etc/passwd and before the homes: the accounts stay and get their homes.
    @Test func theNextRunCreatesTheHomesAKilledBatchDidNotReach() throws {
        let after = try simulateKill(afterWriting: 6)
        files.failHome("/home/bob")
        #expect(creator().recoverInterrupted() == 1)
        #expect(files.homes["/home/alice"].map { [$0.uid, $0.gid, $0.mode] } == [1001, 1001, 0o750])
        #expect(try store.loadBatchJournal() != nil, "bob's home is missing: the journal stays")
        #expect(files.text("/etc/passwd") == after["/etc/passwd"])

        let retry = MemoryAccountFiles(texts())
        files.succeed("/home/bob")
        let again = creator(retry)
        retry.addExisting("/home/alice")
        #expect(again.recoverInterrupted() == 0)
        #expect(retry.homes.keys.sorted() == ["/home/bob"])
        #expect(try store.loadBatchJournal() == nil)
    }

    /// With SSSD (or LDAP, NIS...) in /etc/nsswitch.conf the batch steps aside: it could not see directory IDs.
    @Test func aDirectoryInNSSwitchLeavesEveryAccountToUseradd() throws {
        let files = MemoryAccountFiles(
            Self.original.merging(["/etc/nsswitch.conf": "passwd: files sss\ngroup: files sss\n"]) { $1 })
        let creator = creator(files)
        #expect(creator.create(Self.accounts, shell: "/bin/bash", subordinateIDs: false) == .init())
        #expect(files.replaced.isEmpty)
        #expect(try store.loadBatchJournal() == nil)
        #expect(log.text.contains("passwd: sss in /etc/nsswitch.conf"))
    }

    @Test func noJournalMeansNothingToDo() throws {
        #expect(creator().recoverInterrupted() == 0)
        #expect(files.replaced.isEmpty)
    }

    @Test func anUnreadableJournalIsAnErrorAndChangesNothing() throws {
        fileSystem.addFile(Self.stateDir + "/account-batch.json", "{")
        #expect(creator().recoverInterrupted() == 1)
        #expect(files.replaced.isEmpty)
        #expect(log.text.contains("account-batch.json"))
        let created = creator().create(Self.accounts, shell: "/bin/bash", subordinateIDs: true)
        #expect(created == .init(), "no batch while a journal is there: useradd")
        #expect(files.replaced.isEmpty)
    }

    /// Writes the first `written` files of a batch of `accounts` and its journal, as a kill after them leaves
    /// them; returns the texts the whole batch would have written.
    @discardableResult
    func simulateKill(afterWriting written: Int) throws -> [String: String] {
        let before = AccountFilesText(
            passwd: Self.original["/etc/passwd"] ?? "", shadow: Self.original["/etc/shadow"] ?? "",
            group: Self.original["/etc/group"] ?? "", gshadow: Self.original["/etc/gshadow"] ?? "",
            subuid: Self.original["/etc/subuid"], subgid: Self.original["/etc/subgid"])
        let settings = BatchAccountSettings.parse(
            loginDefs: Self.original["/etc/login.defs"], useraddDefaults: Self.original["/etc/default/useradd"])
        let result = try AccountFilesBatch.add(
            Self.accounts, shell: "/bin/bash", to: before, settings: settings, day: 20000)
        try store.saveBatchJournal(AccountBatchJournal(created: result.created, requests: Self.accounts))
        let new: [(String, String?)] = [
            ("/etc/group", result.files.group), ("/etc/gshadow", result.files.gshadow),
            ("/etc/subgid", result.files.subgid), ("/etc/subuid", result.files.subuid),
            ("/etc/shadow", result.files.shadow), ("/etc/passwd", result.files.passwd),
        ]
        try files.withLocks([]) {
            for (path, text) in new.prefix(written) { try files.replace(path, with: text ?? "") }
        }
        return Dictionary(uniqueKeysWithValues: new.map { ($0.0, $0.1 ?? "") })
    }
}
