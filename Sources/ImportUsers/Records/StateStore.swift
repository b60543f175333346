public import EC2SSHCore
import EC2SSHShared
public import EC2SSHSystem

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads and writes the files import_users keeps in STATE_DIR: the state, the managed users index and the lock.
///
/// state.json is root-owned 0600, managed-users.json root-owned 0644; both are replaced atomically and only
/// written when their bytes change, so a run with nothing to do writes nothing.
public struct StateStore: Sendable {
    /// The state file name inside STATE_DIR.
    public static let stateFileName = "state.json"
    /// The lock file name inside STATE_DIR.
    public static let lockFileName = "import_users.lock"

    /// STATE_DIR.
    public let directory: String
    private let fileSystem: any FileSystem

    /// Creates a store for `directory` (absolute).
    public init(directory: String, fileSystem: any FileSystem) {
        self.directory = directory
        self.fileSystem = fileSystem
    }

    /// The path of state.json.
    public var statePath: String { path(Self.stateFileName) }
    /// The path of managed-users.json.
    public var indexPath: String { path(ManagedUsersIndex.fileName) }
    /// The path of the lock file.
    public var lockPath: String { path(Self.lockFileName) }
    /// The path of the record of the last clean run that changed nothing (`UnchangedRunRecord`).
    public var unchangedRecordPath: String { path(UnchangedRunRecord.fileName) }
    /// The path of the "adoption pending" marker (`LegacyAdoption`).
    public var adoptionPendingPath: String { path(LegacyAdoption.markerFileName) }

    /// Creates STATE_DIR (root, 0755) when it does not exist; an existing one must be safe (see `checkDirectory`).
    public func ensureDirectory() throws {
        guard try fileSystem.status(directory) == nil else {
            try checkDirectory()
            return
        }
        try fileSystem.createDirectory(directory, mode: 0o755, owner: .root)
    }

    /// Refuses a STATE_DIR that others could change; a missing one is fine.
    ///
    /// It must be a real directory owned by root and writable by root only, since its state file decides which
    /// accounts import_users may delete.
    public func checkDirectory() throws {
        guard let status = try fileSystem.status(directory) else { return }
        guard status.type == .directory, status.uid == 0, status.mode & 0o022 == 0 else {
            let kind = status.type == .directory ? "directory" : "\(status.type)"
            throw ImportError.unsafeStateDirectory(
                path: directory,
                detail: "it is a \(kind) owned by uid \(status.uid) with mode \(String(status.mode, radix: 8))")
        }
    }

    /// Whether the lock file exists already.
    public func lockFileExists() throws -> Bool {
        try fileSystem.status(lockPath) != nil
    }

    /// Whether state.json exists.
    public func stateFileExists() throws -> Bool {
        try fileSystem.status(statePath) != nil
    }

    /// The persisted state; an empty state when the file does not exist.
    public func loadState() throws -> ManagedState {
        guard let bytes = try fileSystem.readFile(statePath) else { return ManagedState() }
        do {
            return try ManagedState.decoded(from: Data(bytes))
        } catch {
            throw ImportError.unusableStateFile(path: statePath, detail: error.description)
        }
    }

    /// Writes `state` atomically (root, 0600) unless the file already holds exactly these bytes; returns whether
    /// it wrote.
    @discardableResult
    public func saveState(_ state: ManagedState) throws -> Bool {
        try writeIfChanged(statePath, Array(try state.encoded()), mode: 0o600)
    }

    /// The index on disk, or `nil` when it is missing or unreadable (it is then rewritten).
    public func loadIndex() -> ManagedUsersIndex? {
        guard let bytes = try? fileSystem.readFile(indexPath) else { return nil }
        return try? ManagedUsersIndex.decoded(from: Data(bytes), path: indexPath)
    }

    /// Writes `index` atomically (root, 0644) unless the file already holds exactly these bytes; returns whether
    /// it wrote.
    @discardableResult
    public func saveIndex(_ index: ManagedUsersIndex) throws -> Bool {
        try writeIfChanged(indexPath, Array(try index.encoded()), mode: 0o644)
    }

    /// The record of the last clean run that changed nothing, or `nil` when there is none or it is unusable.
    public func loadUnchangedRecord() -> UnchangedRunRecord? {
        guard let bytes = try? fileSystem.readFile(unchangedRecordPath) else { return nil }
        return UnchangedRunRecord.decoded(from: Data(bytes))
    }

    /// Writes `record` atomically (root, 0600).
    public func saveUnchangedRecord(_ record: UnchangedRunRecord) throws {
        try fileSystem.writeFileAtomically(
            unchangedRecordPath, contents: Array(try record.encoded()), mode: 0o600, owner: .root)
    }

    /// The path of the account batch journal (`AccountBatchJournal`).
    public var batchJournalPath: String { path(AccountBatchJournal.fileName) }

    /// The journal a batch left, `nil` when there is none; an unreadable one is an error naming the file.
    public func loadBatchJournal() throws -> AccountBatchJournal? {
        guard let bytes = try fileSystem.readFile(batchJournalPath) else { return nil }
        do {
            return try AccountBatchJournal.decoded(from: Data(bytes))
        } catch {
            throw ImportError.unusableStateFile(path: batchJournalPath, detail: error.description)
        }
    }

    /// Writes `journal` atomically (root, 0600).
    public func saveBatchJournal(_ journal: AccountBatchJournal) throws {
        try fileSystem.writeFileAtomically(
            batchJournalPath, contents: Array(try journal.encoded()), mode: 0o600, owner: .root)
    }

    /// Removes the journal.
    public func removeBatchJournal() throws {
        try fileSystem.removeFile(batchJournalPath)
    }

    /// Writes the "adoption pending" marker atomically (root, 0600) with `contents`.
    public func recordAdoptionPending(_ contents: [UInt8]) throws {
        try fileSystem.writeFileAtomically(adoptionPendingPath, contents: contents, mode: 0o600, owner: .root)
    }

    /// The marker's bytes, or `nil` when adoption is not pending.
    public func loadAdoptionPending() throws -> [UInt8]? {
        try fileSystem.readFile(adoptionPendingPath)
    }

    /// Removes the marker if it still holds `expected` (what the run read at its start); returns whether it did.
    ///
    /// A marker rewritten meanwhile (another `--adopt-legacy-accounts`, which records before taking the lock) is
    /// kept for the next run.
    @discardableResult
    public func clearAdoptionPending(ifStill expected: [UInt8]) throws -> Bool {
        guard try fileSystem.readFile(adoptionPendingPath) == expected else { return false }
        try fileSystem.removeFile(adoptionPendingPath)
        return true
    }

    private func writeIfChanged(_ path: String, _ bytes: [UInt8], mode: UInt32) throws -> Bool {
        if let current = try? fileSystem.readFile(path), current == bytes,
            let status = try? fileSystem.status(path), status.mode == mode, status.owner == .root
        {
            return false
        }
        try fileSystem.writeFileAtomically(path, contents: bytes, mode: mode, owner: .root)
        return true
    }

    private func path(_ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
