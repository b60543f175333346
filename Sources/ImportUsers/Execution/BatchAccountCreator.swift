import AWSCore
import EC2SSHCore
import EC2SSHSystem
import FoundationEssentials
import Logging

/// ACCOUNT_BACKEND=batch (a prototype): creates the plain new accounts of a run with one write of each account file.
///
/// Under `lckpwdf(3)` and shadow-utils' `.lock` files it reads /etc/passwd, shadow, group, gshadow, subuid and subgid,
/// computes the new texts with `AccountFilesBatch`, records the batch in STATE_DIR (`AccountBatchJournal`), then
/// replaces group, gshadow, subgid, subuid, shadow and passwd (in that order: an account appears in passwd last)
/// atomically; then it creates the homes from the skeleton directory, as useradd does after writing the files, and
/// removes the journal. Afterwards it runs `restorecon` on the homes where SELinux is enforcing and invalidates the
/// nscd and sssd caches. Accounts it refuses, and all of them when anything fails, are left to useradd; a failure
/// between two files is taken back first, and a kill there by the next run (`recoverInterrupted()`).
struct BatchAccountCreator {
    /// The account files and homes.
    let files: any AccountFilesAccess
    /// Runs restorecon, nscd and sss_cache.
    let runner: any ProcessRunning
    /// Gives today's date for shadow's last-change field.
    let time: any TimeSource
    /// The login.defs and /etc/default/useradd paths.
    let paths: HostPaths
    /// Keeps the batch journal in STATE_DIR.
    let store: StateStore
    /// Says what was batched and what falls back.
    let logger: Logger

    /// The account files, in the order they are written.
    static let accountFiles = [
        "/etc/group", "/etc/gshadow", "/etc/subgid", "/etc/subuid", "/etc/shadow", "/etc/passwd",
    ]

    /// What a batch did.
    struct Created: Equatable {
        /// The UIDs of the accounts it created.
        var uids: [String: UInt32] = [:]
        /// The accounts useradd must not try this run: the batch failed between two files and could not take its
        /// lines back, so their user groups may still be there (the next run takes them back).
        var blocked: Set<String> = []
    }

    /// Creates what it can of `accounts` with login shell `shell`, with subordinate ID ranges when
    /// `subordinateIDs` (as useradd without `-K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0`).
    func create(_ accounts: [BatchAccount], shell: String, subordinateIDs: Bool) -> Created {
        guard !accounts.isEmpty else { return Created() }
        let created: [BatchCreated]
        let settings: BatchAccountSettings
        do {
            (created, settings) = try files.withLocks(Self.accountFiles.filter(files.exists)) {
                try createLocked(accounts, shell, subordinateIDs: subordinateIDs)
            }
        } catch let failure as HalfWritten {
            logger.error("\(failure)")
            return Created(blocked: Set(failure.names))
        } catch {
            logger.warning("batch account creation failed (\(error)); useradd creates the accounts one by one")
            return Created()
        }
        guard !created.isEmpty else { return Created() }
        if finish(created, settings: settings) {
            removeJournal()
        }
        logger.notice("created \(created.count) accounts in one batch (ACCOUNT_BACKEND=batch)")
        return Created(uids: Dictionary(created.map { ($0.name, $0.uid) }, uniquingKeysWith: { first, _ in first }))
    }

    /// Does what useradd does after writing the account files, for each of `accounts` whose home does not exist yet.
    ///
    /// That is: clears its lastlog and faillog records and creates its home from the skeleton directory; then labels
    /// the homes and invalidates the name service caches. Returns whether every home exists.
    ///
    /// The homes come after the account files, as with useradd: a run killed or failing in between leaves accounts
    /// without a home (which the next run creates from the journal), never a home owned by a UID that no account
    /// (or another one later) has.
    func finish(_ accounts: [BatchCreated], settings: BatchAccountSettings) -> Bool {
        guard !accounts.isEmpty else { return true }
        var made: [String] = []
        var complete = true
        let homeless = accounts.filter { !files.exists($0.home) }
        resetLoginRecords(of: homeless.map(\.uid), settings: settings)
        for account in homeless {
            do {
                try files.createHome(
                    account.home, from: settings.skel, uid: account.uid, gid: account.gid, mode: settings.homeMode)
                made.append(account.home)
            } catch {
                complete = false
                let message =
                    "\(account.name): the account was created but its home \(account.home) was not (\(error)); the "
                    + "next run tries again, or create it with: mkhomedir_helper \(account.name)"
                logger.error("\(message)")
            }
        }
        if !made.isEmpty, (try? files.read("/sys/fs/selinux/enforce"))??.hasPrefix("1") == true,
            files.exists("/sbin/restorecon")
        {
            runQuietly(Command("/sbin/restorecon", ["-R", "--"] + made, timeout: 120))
        }
        invalidateCaches()
        return complete
    }

    /// Clears the lastlog records (of the UIDs up to LASTLOG_UID_MAX) and the faillog records of `uids`, where
    /// those files reach them, as useradd does for a new account, so that a reused UID does not inherit them; one
    /// open and one `fsync` per file for the whole batch.
    private func resetLoginRecords(of uids: [UInt32], settings: BatchAccountSettings) {
        let records = [
            ("/var/log/lastlog", AccountFilesStore.lastlogRecordSize, settings.lastlogUIDMax),
            ("/var/log/faillog", AccountFilesStore.faillogRecordSize, UInt64.max),
        ]
        for (path, size, highest) in records {
            let offsets = uids.filter { UInt64($0) <= highest }.map { UInt64($0) * UInt64(size) }
            guard !offsets.isEmpty else { continue }
            do {
                _ = try files.clearRecords(path, offsets: offsets, length: size)
            } catch {
                logger.warning("cannot clear the records of \(offsets.count) new UIDs in \(path) (\(error))")
            }
        }
    }

    /// Tells nscd and sssd that the account files changed.
    func invalidateCaches() {
        if files.exists("/usr/sbin/nscd") {
            runQuietly(Command("/usr/sbin/nscd", ["-i", "passwd"], timeout: 30))
            runQuietly(Command("/usr/sbin/nscd", ["-i", "group"], timeout: 30))
        }
        if files.exists("/usr/sbin/sss_cache") { runQuietly(Command("/usr/sbin/sss_cache", ["-E"], timeout: 30)) }
    }

    private func createLocked(_ accounts: [BatchAccount], _ shell: String, subordinateIDs: Bool) throws
        -> ([BatchCreated], BatchAccountSettings)
    {
        if try store.loadBatchJournal() != nil {
            throw ExecutionError.unexpectedHostState(
                "\(store.batchJournalPath) still lists an interrupted batch that could not be taken back")
        }
        let settings = try readSettings()
        let texts = try readTexts(subordinateIDs: subordinateIDs)
        var plain: [BatchAccount] = []
        for account in accounts {
            let home = settings.homeBase == "/" ? "/" + account.name : settings.homeBase + "/" + account.name
            if files.exists(home) {
                logger.info("\(account.name): \(home) exists already; useradd creates this account")
            } else {
                plain.append(account)
            }
        }
        let day = Int(time.now().timeIntervalSince1970 / 86400)
        let result = try AccountFilesBatch.add(plain, shell: shell, to: texts, settings: settings, day: day)
        for (name, reason) in result.refused {
            logger.info("\(name): not batched (\(reason)); useradd creates this account")
        }
        guard !result.created.isEmpty else { return ([], settings) }
        // Intent first: a kill between two of the files below leaves lines the next run finds through the journal.
        let journal = AccountBatchJournal(created: result.created, requests: plain)
        try store.saveBatchJournal(journal)
        do {
            try write(result.files, over: texts)
        } catch {
            do {
                _ = try undoLocked(journal)
                try store.removeBatchJournal()
            } catch let undoError {
                throw HalfWritten(names: journal.accounts.map(\.name), write: "\(error)", undo: "\(undoError)")
            }
            throw error
        }
        return (result.created, settings)
    }

    /// Replaces the files whose text differs between `texts` (what was read) and `new`, in the batch's order.
    private func write(_ new: AccountFilesText, over texts: AccountFilesText) throws {
        try files.replace("/etc/group", with: new.group)
        try files.replace("/etc/gshadow", with: new.gshadow)
        if let text = new.subgid, text != texts.subgid { try files.replace("/etc/subgid", with: text) }
        if let text = new.subuid, text != texts.subuid { try files.replace("/etc/subuid", with: text) }
        try files.replace("/etc/shadow", with: new.shadow)
        try files.replace("/etc/passwd", with: new.passwd)
    }

    /// login.defs and /etc/default/useradd as the batch reads them.
    func readSettings() throws -> BatchAccountSettings {
        BatchAccountSettings.parse(
            loginDefs: try files.read(paths.loginDefs), useraddDefaults: try files.read(paths.useraddDefaults),
            nsswitch: try files.read("/etc/nsswitch.conf"))
    }

    /// The texts of the account files (subuid and subgid only when `subordinateIDs`).
    func readTexts(subordinateIDs: Bool) throws -> AccountFilesText {
        func required(_ path: String) throws -> String {
            guard let text = try files.read(path) else {
                throw ExecutionError.unexpectedHostState("\(path) does not exist")
            }
            return text
        }
        return AccountFilesText(
            passwd: try required("/etc/passwd"), shadow: try required("/etc/shadow"),
            group: try required("/etc/group"), gshadow: try required("/etc/gshadow"),
            subuid: subordinateIDs ? try files.read("/etc/subuid") : nil,
            subgid: subordinateIDs ? try files.read("/etc/subgid") : nil)
    }

    private func runQuietly(_ command: Command) {
        do {
            let result = try runner.run(command)
            if !result.succeeded { logger.warning("\(ExecutionError.commandFailed(command: command, result: result))") }
        } catch {
            logger.warning("\(command.executable): \(error)")
        }
    }
}
