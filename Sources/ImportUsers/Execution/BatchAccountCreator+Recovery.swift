import EC2SSHCore
import EC2SSHSystem
import Logging

/// Taking back what a batch left when it was killed or failed between two account files.
extension BatchAccountCreator {
    /// The batch failed between two files and its lines could not be taken back either.
    struct HalfWritten: Error, CustomStringConvertible {
        /// The accounts of the batch.
        var names: [String]
        /// Why a file could not be written.
        var write: String
        /// Why the lines already written could not be taken back.
        var undo: String

        var description: String {
            "batch account creation failed between two account files (\(write)) and its lines could not be taken "
                + "back (\(undo)); \(names.count) accounts wait for the next run, which takes the lines back first"
        }
    }

    /// Takes back what a batch interrupted by a kill (or a failure it could not undo) left, as its journal in
    /// STATE_DIR says, whatever ACCOUNT_BACKEND is now; returns 0, or 1 when it could not (logged as an error).
    ///
    /// Under the account files' locks: the lines of the journal's accounts that never reached /etc/passwd are
    /// taken out (`AccountBatchJournal.undo(in:)`), so that this run creates them afresh; accounts that did reach it
    /// are complete, and their homes are created if the kill came before them. Then the journal is removed.
    func recoverInterrupted() -> Int {
        let journal: AccountBatchJournal
        do {
            guard let found = try store.loadBatchJournal() else { return 0 }
            journal = found
        } catch {
            logger.error("\(error); remove it once /etc/group holds no user group of a half-created account")
            return 1
        }
        let interrupted =
            "a batch of \(journal.accounts.count) new accounts was interrupted (\(store.batchJournalPath)); taking "
            + "back what it wrote"
        logger.warning("\(interrupted)")
        let undo: AccountBatchJournal.Undo
        let settings: BatchAccountSettings
        do {
            (undo, settings) = try files.withLocks(Self.accountFiles.filter(files.exists)) {
                (try undoLocked(journal), try readSettings())
            }
        } catch {
            logger.error("cannot take back the interrupted batch (\(error)); the next run tries again")
            return 1
        }
        if !undo.undone.isEmpty {
            let names = undo.undone.joined(separator: ", ")
            logger.notice("took back the lines of \(undo.undone.count) accounts the interrupted batch left: \(names)")
        }
        let complete = undo.complete.map { BatchCreated(name: $0.name, uid: $0.uid, gid: $0.gid, home: $0.home) }
        guard finish(complete, settings: settings) else { return 1 }
        return removeJournal() ? 0 : 1
    }

    /// Replaces the account files that `journal.undo(in:)` changes, in the reverse of the batch's order; the caller
    /// holds the locks.
    func undoLocked(_ journal: AccountBatchJournal) throws -> AccountBatchJournal.Undo {
        let texts = try readTexts(subordinateIDs: true)
        let undo = try journal.undo(in: texts)
        let new = undo.files
        if new.shadow != texts.shadow { try files.replace("/etc/shadow", with: new.shadow) }
        if let text = new.subuid, text != texts.subuid { try files.replace("/etc/subuid", with: text) }
        if let text = new.subgid, text != texts.subgid { try files.replace("/etc/subgid", with: text) }
        if new.gshadow != texts.gshadow { try files.replace("/etc/gshadow", with: new.gshadow) }
        if new.group != texts.group { try files.replace("/etc/group", with: new.group) }
        if new != texts { invalidateCaches() }
        return undo
    }

    /// Removes the journal; returns whether it did (else logged as an error).
    @discardableResult
    func removeJournal() -> Bool {
        do {
            try store.removeBatchJournal()
            return true
        } catch {
            logger.error("cannot remove \(store.batchJournalPath): \(error); the next run checks it again")
            return false
        }
    }
}
