import EC2SSHCore
public import EC2SSHSystem

/// The key cache in KEY_CACHE_DIR: one private JSON file per local user, written atomically.
///
/// The directory must be owned by the running user with no group or other permission bits (0700), and each
/// file owned by that user with mode 0600; anything else is not trusted and is ignored. Create values with
/// `open(directory:fileSystem:uid:)`, which checks the directory once.
public struct KeyCache: Sendable {
    /// KEY_CACHE_DIR.
    public let directory: String
    /// The filesystem.
    public let fileSystem: any FileSystem
    /// The UID of the running user, who must own the directory and its files.
    public let uid: UInt32

    /// The mode of the directory when this code creates it.
    public static let directoryMode: UInt32 = 0o700
    /// The mode of every cache file.
    public static let fileMode: UInt32 = 0o600

    /// A cache over a directory already checked by `open`; tests may build one directly.
    public init(directory: String, fileSystem: any FileSystem, uid: UInt32) {
        self.directory = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        self.fileSystem = fileSystem
        self.uid = uid
    }

    /// The cache in `directory` after checking its owner and mode; a missing directory is created (mode 0700).
    ///
    /// Throws `KeyCacheError` saying why the directory cannot be trusted or created.
    public static func open(directory: String, fileSystem: any FileSystem, uid: UInt32) throws -> KeyCache {
        let cache = KeyCache(directory: directory, fileSystem: fileSystem, uid: uid)
        do {
            var status = try fileSystem.status(cache.directory)
            if status == nil {
                try fileSystem.createDirectory(cache.directory, mode: directoryMode, owner: nil)
                status = try fileSystem.status(cache.directory)
            }
            guard let status else {
                throw KeyCacheError(path: cache.directory, message: "the directory does not exist")
            }
            if let problem = FileTrust.privateProblem(with: status, type: .directory, uid: uid) {
                throw KeyCacheError(
                    path: cache.directory,
                    message: "the key cache directory is not trusted: \(problem); install.sh creates it owned by the "
                        + "key command's user with mode 0700")
            }
        } catch let error as KeyCacheError {
            throw error
        } catch {
            throw KeyCacheError(path: cache.directory, message: "the key cache directory is unusable: \(error)")
        }
        return cache
    }

    /// The file of `localName` (a valid local user name, so never `.` or `..` on its own).
    public func path(for localName: String) -> String {
        "\(directory)/user-\(localName).json"
    }

    /// A private file in the directory (for example the assumed-role credentials), checked like the entries.
    public func path(forFile name: String) -> String {
        "\(directory)/\(name)"
    }

    /// The entry of `localName`, `nil` when there is none; throws `KeyCacheError` when it cannot be trusted.
    public func load(localName: String) throws -> KeyCacheEntry? {
        let path = path(for: localName)
        guard let bytes = try readPrivateFile(path) else { return nil }
        let entry = try KeyCacheEntry.decoded(from: bytes, path: path)
        guard entry.localUserName == localName else {
            throw KeyCacheError(
                path: path, message: "the entry belongs to '\(entry.localUserName)', not '\(localName)'")
        }
        return entry
    }

    /// Replaces the entry of `entry.localUserName` atomically (temporary file and rename, mode 0600).
    ///
    /// `owner` is for a writer running as root (import_users): the file then belongs to the key command's user.
    public func save(_ entry: KeyCacheEntry, owner: FileOwner? = nil) throws {
        guard NameMapping.isValidLocalName(entry.localUserName) else {
            throw KeyCacheError(path: directory, message: "'\(entry.localUserName)' is not a valid local user name")
        }
        try writePrivateFile(path(for: entry.localUserName), contents: entry.encoded(), owner: owner)
    }

    /// Deletes the entry of `localName`; a missing entry is fine.
    public func remove(localName: String) throws {
        guard NameMapping.isValidLocalName(localName) else { return }
        try fileSystem.removeFile(path(for: localName))
    }

    /// The bytes of the private file at `path`, `nil` when missing; throws when its owner or mode is wrong.
    public func readPrivateFile(_ path: String) throws -> [UInt8]? {
        guard let status = try fileSystem.status(path) else { return nil }
        if let problem = FileTrust.privateProblem(with: status, type: .regular, uid: uid) {
            throw KeyCacheError(path: path, message: "ignored: \(problem)")
        }
        return try fileSystem.readFile(path)
    }

    /// Writes the private file at `path` atomically with mode 0600, owned by `owner` (default: the running user).
    public func writePrivateFile(_ path: String, contents: [UInt8], owner: FileOwner? = nil) throws {
        try fileSystem.writeFileAtomically(path, contents: contents, mode: Self.fileMode, owner: owner)
    }
}
