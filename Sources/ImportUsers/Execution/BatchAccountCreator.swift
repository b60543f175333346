import AWSCore
import EC2SSHCore
import EC2SSHSystem
import FoundationEssentials
import Logging

/// ACCOUNT_BACKEND=batch (a prototype): creates the plain new accounts of a run with one write of each account file.
///
/// Under `lckpwdf(3)` and shadow-utils' `.lock` files it reads /etc/passwd, shadow, group, gshadow, subuid and subgid,
/// computes the new texts with `AccountFilesBatch`, then replaces group, gshadow, subgid, subuid, shadow and passwd
/// (in that order: an account appears in passwd last) atomically; then it creates the homes from the skeleton
/// directory, as useradd does after writing the files. Afterwards it runs `restorecon` on the homes where SELinux is enforcing and invalidates the nscd and sssd caches.
/// Accounts it refuses, and all of them when anything fails, are left to useradd.
struct BatchAccountCreator {
    /// The account files and homes.
    let files: any AccountFilesAccess
    /// Runs restorecon, nscd and sss_cache.
    let runner: any ProcessRunning
    /// Gives today's date for shadow's last-change field.
    let time: any TimeSource
    /// The login.defs and /etc/default/useradd paths.
    let paths: HostPaths
    /// Says what was batched and what falls back.
    let logger: Logger

    /// The account files, in the order they are written.
    static let accountFiles = [
        "/etc/group", "/etc/gshadow", "/etc/subgid", "/etc/subuid", "/etc/shadow", "/etc/passwd",
    ]

    /// Creates what it can of `accounts` with login shell `shell`, with subordinate ID ranges when
    /// `subordinateIDs` (as useradd without `-K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0`); returns the UIDs of the
    /// accounts it created.
    func create(_ accounts: [BatchAccount], shell: String, subordinateIDs: Bool) -> [String: UInt32] {
        guard !accounts.isEmpty else { return [:] }
        let created: [BatchCreated]
        let settings: BatchAccountSettings
        do {
            (created, settings) = try files.withLocks(Self.accountFiles.filter(files.exists)) {
                try createLocked(accounts, shell, subordinateIDs: subordinateIDs)
            }
        } catch {
            logger.warning("batch account creation failed (\(error)); useradd creates the accounts one by one")
            return [:]
        }
        // The homes come after the account files, as with useradd: a run killed or failing in between leaves
        // accounts without a home, never a home owned by a UID that no account (or another one later) has.
        for account in created {
            do {
                try files.createHome(
                    account.home, from: settings.skel, uid: account.uid, gid: account.gid, mode: settings.homeMode)
            } catch {
                let message =
                    "\(account.name): the account was created but its home \(account.home) was not (\(error)); create"
                    + " it with: mkhomedir_helper \(account.name)"
                logger.error("\(message)")
            }
        }
        let homes = created.map(\.home)
        if !homes.isEmpty, (try? files.read("/sys/fs/selinux/enforce"))??.hasPrefix("1") == true,
            files.exists("/sbin/restorecon")
        {
            runQuietly(Command("/sbin/restorecon", ["-R", "--"] + homes, timeout: 120))
        }
        if files.exists("/usr/sbin/nscd") {
            runQuietly(Command("/usr/sbin/nscd", ["-i", "passwd"], timeout: 30))
            runQuietly(Command("/usr/sbin/nscd", ["-i", "group"], timeout: 30))
        }
        if files.exists("/usr/sbin/sss_cache") { runQuietly(Command("/usr/sbin/sss_cache", ["-E"], timeout: 30)) }
        logger.notice("created \(created.count) accounts in one batch (ACCOUNT_BACKEND=batch)")
        return Dictionary(created.map { ($0.name, $0.uid) }, uniquingKeysWith: { first, _ in first })
    }

    private func createLocked(_ accounts: [BatchAccount], _ shell: String, subordinateIDs: Bool) throws
        -> ([BatchCreated], BatchAccountSettings)
    {
        func required(_ path: String) throws -> String {
            guard let text = try files.read(path) else {
                throw ExecutionError.unexpectedHostState("\(path) does not exist")
            }
            return text
        }
        let settings = BatchAccountSettings.parse(
            loginDefs: try files.read(paths.loginDefs), useraddDefaults: try files.read(paths.useraddDefaults))
        let texts = AccountFilesText(
            passwd: try required("/etc/passwd"), shadow: try required("/etc/shadow"),
            group: try required("/etc/group"), gshadow: try required("/etc/gshadow"),
            subuid: subordinateIDs ? try files.read("/etc/subuid") : nil,
            subgid: subordinateIDs ? try files.read("/etc/subgid") : nil)
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
        let new = result.files
        try files.replace("/etc/group", with: new.group)
        try files.replace("/etc/gshadow", with: new.gshadow)
        if let text = new.subgid, text != texts.subgid { try files.replace("/etc/subgid", with: text) }
        if let text = new.subuid, text != texts.subuid { try files.replace("/etc/subuid", with: text) }
        try files.replace("/etc/shadow", with: new.shadow)
        try files.replace("/etc/passwd", with: new.passwd)
        return (result.created, settings)
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
