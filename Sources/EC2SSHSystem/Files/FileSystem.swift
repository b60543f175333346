/// The owner of a file: a numeric user and group ID.
public struct FileOwner: Sendable, Equatable, Hashable {
    /// The owning user ID.
    public var uid: UInt32
    /// The owning group ID.
    public var gid: UInt32

    /// Creates an owner from a user and a group ID.
    public init(uid: UInt32, gid: UInt32) {
        self.uid = uid
        self.gid = gid
    }

    /// The superuser, root:root.
    public static let root = FileOwner(uid: 0, gid: 0)
}

/// What kind of object a path names.
public enum FileType: Sendable, Equatable {
    /// A regular file.
    case regular
    /// A directory.
    case directory
    /// A symbolic link (never followed by `status`).
    case symbolicLink
    /// Anything else: a device, socket or FIFO.
    case other
}

/// What `lstat` says about a path: its type, permission bits and owner.
public struct FileStatus: Sendable, Equatable {
    /// The kind of object.
    public var type: FileType
    /// The permission bits, including set-user-ID, set-group-ID and sticky (`mode & 0o7777`).
    public var mode: UInt32
    /// The owning user ID.
    public var uid: UInt32
    /// The owning group ID.
    public var gid: UInt32

    /// Creates a status from its parts.
    public init(type: FileType, mode: UInt32, uid: UInt32, gid: UInt32) {
        self.type = type
        self.mode = mode
        self.uid = uid
        self.gid = gid
    }

    /// The owner as one value.
    public var owner: FileOwner { FileOwner(uid: uid, gid: gid) }
}

/// The filesystem operations the host side needs; every path is absolute.
///
/// Methods throw `SystemError`: `.invalidArgument` for a relative path, `.systemCall` with `errno` otherwise.
public protocol FileSystem: Sendable {
    /// The bytes of the file at `path`, or `nil` when it does not exist.
    func readFile(_ path: String) throws -> [UInt8]?

    /// Replaces the file at `path` atomically with `contents`, with exactly `mode` and, when given, `owner`.
    ///
    /// Readers see either the old file or the complete new one, never a partial file; after a failure the
    /// old file is untouched and no temporary file is left behind.
    func writeFileAtomically(_ path: String, contents: [UInt8], mode: UInt32, owner: FileOwner?) throws

    /// Removes the file at `path`; a missing file is not an error.
    func removeFile(_ path: String) throws

    /// The names in the directory at `path`, sorted, without "." and "..".
    func listDirectory(_ path: String) throws -> [String]

    /// Creates the directory at `path` (its parent must exist), or fixes the mode and owner of an existing one.
    ///
    /// Fails when `path` exists but is not a directory (a symbolic link is never followed).
    func createDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws

    /// The `lstat` status of `path`, or `nil` when nothing is there.
    func status(_ path: String) throws -> FileStatus?

    /// The `stat` status of what `path` names after symbolic links, or `nil` when nothing is there.
    ///
    /// Only for finding programs; a test double without links gets `status` from the default implementation.
    func statusFollowingLinks(_ path: String) throws -> FileStatus?

    /// Calls `body` with the bytes of the regular file at `path`, or with `nil` when it does not exist.
    ///
    /// For a large file read in a few places (a binary search): the real filesystem maps it, so only the pages
    /// `body` touches are read, and a file replaced meanwhile (by rename) stays the one `body` sees. The bytes are
    /// valid only inside `body`. Test doubles get `readFile` from the default implementation.
    func withFileBytes<Result>(_ path: String, _ body: (UnsafeBufferPointer<UInt8>?) throws -> Result) throws
        -> Result

    /// The identity of what `path` names after symbolic links (`FileIdentity.missing` when nothing is there), or
    /// `nil` when this filesystem cannot tell one version of a file from the next.
    ///
    /// For deciding that nothing changed since a previous run; a `nil` makes the caller do the whole work.
    func identity(_ path: String) throws -> FileIdentity?
}

extension FileSystem {
    /// `body` over `readFile(path)`: right for in-memory test doubles.
    public func withFileBytes<Result>(_ path: String, _ body: (UnsafeBufferPointer<UInt8>?) throws -> Result) throws
        -> Result
    {
        guard let bytes = try readFile(path) else { return try body(nil) }
        return try bytes.withUnsafeBufferPointer { try body($0) }
    }

    /// `nil`: a filesystem that cannot tell versions of a file apart never lets a run skip its work.
    public func identity(_ path: String) throws -> FileIdentity? {
        nil
    }

    /// `status(path)`: right for filesystems without symbolic links, such as most test doubles.
    public func statusFollowingLinks(_ path: String) throws -> FileStatus? {
        try status(path)
    }
}
