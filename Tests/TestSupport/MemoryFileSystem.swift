import AWSCore
package import EC2SSHSystem
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An in-memory filesystem with types, modes and owners that records every read and change.
///
/// It behaves like the real one where tests rely on it: writes and `createDirectory` need an existing parent
/// directory, reading a directory throws, listing a missing directory throws `ENOENT`. A symbolic link set up with
/// a target is followed by reads and `statusFollowingLinks` (like open(2) and stat(2)), never by `status` (like
/// lstat(2)), and writing over it replaces the link (like rename(2)); reading a link set up without a target
/// throws. Files and directories created through the protocol belong to `runningUID` unless an owner is given.
/// Fail-loud: a kind of call the test did not allow (see `Operations`) is a test failure, and the call throws.
package final class MemoryFileSystem: FileSystem, FileReading {
    /// One file, directory or link.
    package struct Node: Sendable, Equatable {
        /// The kind of object.
        package var type: FileType
        /// The permission bits.
        package var mode: UInt32
        /// The owning user ID.
        package var uid: UInt32
        /// The owning group ID.
        package var gid: UInt32
        /// The contents of a regular file.
        package var bytes: [UInt8] = []
        /// Where a symbolic link points (`nil`: a link whose target the test did not set up, or not a link).
        package var target: String?

        /// Creates a node from its parts.
        package init(
            type: FileType, mode: UInt32, uid: UInt32, gid: UInt32, bytes: [UInt8] = [], target: String? = nil
        ) {
            self.type = type
            self.mode = mode
            self.uid = uid
            self.gid = gid
            self.bytes = bytes
            self.target = target
        }

        /// A regular file holding `text`.
        package static func file(_ text: String, mode: UInt32 = 0o644, owner: FileOwner = .root) -> Node {
            Node(type: .regular, mode: mode, uid: owner.uid, gid: owner.gid, bytes: Array(text.utf8))
        }

        /// A directory.
        package static func directory(mode: UInt32 = 0o755, owner: FileOwner = .root) -> Node {
            Node(type: .directory, mode: mode, uid: owner.uid, gid: owner.gid)
        }

        /// A root-owned symbolic link to `target`.
        package static func link(to target: String) -> Node {
            Node(type: .symbolicLink, mode: 0o777, uid: 0, gid: 0, target: target)
        }

        /// The owner as one value.
        package var owner: FileOwner { FileOwner(uid: uid, gid: gid) }
        /// The contents as UTF-8 text.
        package var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// One `writeFileAtomically` call, with the mode and owner it asked for.
    package struct Write: Sendable, Equatable {
        /// The file written.
        package var path: String
        /// The mode asked for.
        package var mode: UInt32
        /// The owner asked for (`nil`: the running user).
        package var owner: FileOwner?

        /// Creates a record of one write.
        package init(path: String, mode: UInt32, owner: FileOwner?) {
            self.path = path
            self.mode = mode
            self.owner = owner
        }
    }

    /// One change to the filesystem, in the order they happened.
    package enum Change: Sendable, Equatable {
        /// A file was written.
        case write(String)
        /// A file that existed was removed.
        case remove(String)
        /// A directory was created (or its mode and owner fixed).
        case createDirectory(String)

        /// The path changed.
        package var path: String {
            switch self {
            case .write(let path), .remove(let path), .createDirectory(let path): path
            }
        }
    }

    /// The kinds of call, besides reading files, that the code under test may make.
    package struct Operations: OptionSet, Sendable {
        /// The raw bits.
        package let rawValue: Int

        /// Creates a set from its raw bits.
        package init(rawValue: Int) { self.rawValue = rawValue }

        /// `listDirectory`.
        package static let list = Operations(rawValue: 1 << 0)
        /// `status`.
        package static let status = Operations(rawValue: 1 << 1)
        /// `writeFileAtomically`, `removeFile` and `createDirectory`.
        package static let change = Operations(rawValue: 1 << 2)
        /// Every kind of call.
        package static let all: Operations = [.list, .status, .change]
        /// Reading files only.
        package static let readOnly: Operations = []
    }

    /// Everything the filesystem holds and has seen.
    private struct State {
        var nodes: [String: Node] = ["/": Node(type: .directory, mode: 0o755, uid: 0, gid: 0)]
        var changes: [Change] = []
        var writes: [Write] = []
        var reads: [String] = []
        var removals: [String] = []
        var failAllWrites = false
        var failingWrites: Set<String> = []
        var readFailures: [String: any Error] = [:]
        /// The version of each path, bumped by every change to it (and to a directory by changes of its entries).
        var versions: [String: Int] = [:]
        var lastVersion = 0

        /// Marks `path` (and its directory) changed.
        mutating func bump(_ path: String) {
            lastVersion += 1
            versions[path] = lastVersion
            versions[MemoryFileSystem.parent(of: path)] = lastVersion
        }
    }

    /// The user that owns what the code under test creates without naming an owner.
    package let runningUID: UInt32
    /// The kinds of call the code under test may make besides reading files.
    package let allowed: Operations
    /// Whether the set-up calls (`addFile`, `addDirectory`, `addSymlink`, `add`) also add the missing parent
    /// directories (root-owned 0755), as a test of a whole host wants.
    package let addsParents: Bool
    private let state = Mutex(State())

    /// Creates a filesystem holding `files` (text, root-owned 0644) and `directories` (root-owned 0755).
    package init(
        runningUID: UInt32 = 0, allowing allowed: Operations = .all, addingParents addsParents: Bool = false,
        files: [String: String] = [:], directories: [String] = []
    ) {
        self.runningUID = runningUID
        self.allowed = allowed
        self.addsParents = addsParents
        for directory in directories { addDirectory(directory) }
        for (path, text) in files { addFile(path, Array(text.utf8)) }
    }

    /// A filesystem holding only `files` (text) where anything but reading a file is a test failure.
    package static func readOnly(_ files: [String: String] = [:]) -> MemoryFileSystem {
        MemoryFileSystem(allowing: .readOnly, files: files)
    }

    // MARK: - Set-up

    /// Puts a directory at `path`.
    package func addDirectory(_ path: String, mode: UInt32 = 0o755, uid: UInt32 = 0) {
        add(path, Node(type: .directory, mode: mode, uid: uid, gid: uid))
    }

    /// Puts a regular file with `bytes` at `path`.
    package func addFile(_ path: String, _ bytes: [UInt8], mode: UInt32 = 0o644, uid: UInt32 = 0) {
        add(path, Node(type: .regular, mode: mode, uid: uid, gid: uid, bytes: bytes))
    }

    /// Puts a regular file holding `text` at `path`.
    package func addFile(_ path: String, _ text: String, mode: UInt32 = 0o644, owner: FileOwner = .root) {
        add(path, .file(text, mode: mode, owner: owner))
    }

    /// Puts a symbolic link at `path`, pointing at `target` (`nil`: reading through it throws).
    package func addSymlink(_ path: String, to target: String? = nil) {
        add(path, Node(type: .symbolicLink, mode: 0o777, uid: 0, gid: 0, target: target))
    }

    /// Puts `node` at `path`, replacing what was there (and adding missing parents when `addsParents`).
    package func add(_ path: String, _ node: Node) {
        state.withLock { state in
            if addsParents {
                var parent = Self.parent(of: path)
                while state.nodes[parent] == nil {
                    state.nodes[parent] = .directory()
                    parent = Self.parent(of: parent)
                }
            }
            state.nodes[path] = node
            state.bump(path)
        }
    }

    /// Puts an empty node with `status` (type, mode and owner) at `path`.
    package func add(_ path: String, status: FileStatus) {
        add(path, Node(type: status.type, mode: status.mode, uid: status.uid, gid: status.gid))
    }

    /// Makes every read of `path` throw `error`.
    package func failReads(of path: String, with error: any Error) {
        state.withLock { $0.readFailures[path] = error }
    }

    /// Makes every write and directory creation fail (`fail`), or work again.
    package func failWrites(_ fail: Bool = true) { state.withLock { $0.failAllWrites = fail } }

    /// Makes writes to `path` fail as on a full disk.
    package func failWrites(to path: String) { state.withLock { _ = $0.failingWrites.insert(path) } }

    // MARK: - Inspection

    /// What is at `path`, or nil.
    package func node(_ path: String) -> Node? { state.withLock { $0.nodes[path] } }

    /// The text of the regular file at `path` (following symbolic links with a target), or nil.
    package func text(_ path: String) -> String? {
        state.withLock { Self.resolve(path, in: $0.nodes) }.flatMap { $0.type == .regular ? $0.text : nil }
    }

    /// The paths of all regular files, sorted.
    package var paths: [String] {
        state.withLock { $0.nodes.filter { $0.value.type == .regular }.keys.sorted() }
    }

    /// Every change, in order.
    package var changes: [Change] { state.withLock { $0.changes } }

    /// Every write, in order, with its mode and owner.
    package var writes: [Write] { state.withLock { $0.writes } }

    /// Every path `removeFile` was asked to remove, in order, whether or not something was there (`changes` lists
    /// only the files that existed).
    package var removals: [String] { state.withLock { $0.removals } }

    /// Every path read, through `readFile` or `contents(atPath:)`, in order.
    package var reads: [String] { state.withLock { $0.reads } }

    /// Forgets the recorded changes, writes and removals.
    package func clearChanges() {
        state.withLock { state in
            state.changes = []
            state.writes = []
            state.removals = []
        }
    }

    // MARK: - FileSystem

    /// The bytes of the regular file at `path` (following symbolic links with a target), or nil; throws for a
    /// directory, a link without a target or a failure set up.
    package func readFile(_ path: String) throws -> [UInt8]? {
        let (node, failure) = state.withLock { state in
            state.reads.append(path)
            return (Self.resolve(path, in: state.nodes), state.readFailures[path])
        }
        if let failure { throw failure }
        guard let node else { return nil }
        guard node.type == .regular else { throw SystemError(.invalidArgument, operation: "read", subject: path) }
        return node.bytes
    }

    /// Stores a file owned by `owner` (or the running user) if its parent directory exists.
    package func writeFileAtomically(_ path: String, contents: [UInt8], mode: UInt32, owner: FileOwner?) throws {
        try permit(.change, "write of", path)
        try state.withLock { state in
            guard !state.failingWrites.contains(path) else {
                throw SystemError(.systemCall, operation: "write", subject: path, errno: ENOSPC)
            }
            guard !state.failAllWrites, state.nodes[Self.parent(of: path)]?.type == .directory else {
                throw SystemError(.systemCall, operation: "write", subject: path, errno: ENOENT)
            }
            state.nodes[path] = Node(
                type: .regular, mode: mode, uid: owner?.uid ?? runningUID, gid: owner?.gid ?? runningUID,
                bytes: contents)
            state.bump(path)
            state.changes.append(.write(path))
            state.writes.append(Write(path: path, mode: mode, owner: owner))
        }
    }

    /// Removes the file at `path`; a missing file is not an error.
    package func removeFile(_ path: String) throws {
        try permit(.change, "removal of", path)
        state.withLock { state in
            state.removals.append(path)
            if state.nodes.removeValue(forKey: path) != nil {
                state.bump(path)
                state.changes.append(.remove(path))
            }
        }
    }

    /// The names directly inside the directory at `path`, sorted.
    ///
    /// Listing a directory the test did not set up is a test failure, and throws `ENOENT` as the real one would.
    package func listDirectory(_ path: String) throws -> [String] {
        try permit(.list, "listing of", path)
        let prefix = path.hasSuffix("/") ? path : path + "/"
        guard node(path)?.type == .directory else {
            Issue.record("MemoryFileSystem: listing of \(path), which the test did not set up as a directory")
            throw SystemError(.systemCall, operation: "list", subject: path, errno: ENOENT)
        }
        return state.withLock { state in
            return state.nodes.keys.filter {
                $0.hasPrefix(prefix) && $0 != prefix && !$0.dropFirst(prefix.count).contains("/")
            }
            .map { String($0.dropFirst(prefix.count)) }.sorted()
        }
    }

    /// Creates the directory at `path` (its parent must exist), or fixes the mode and owner of an existing one.
    package func createDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws {
        try permit(.change, "directory creation at", path)
        try state.withLock { state in
            guard !state.failAllWrites, state.nodes[Self.parent(of: path)]?.type == .directory else {
                throw SystemError(.systemCall, operation: "mkdir", subject: path, errno: EACCES)
            }
            if let existing = state.nodes[path], existing.type != .directory {
                throw SystemError(.systemCall, operation: "mkdir", subject: path, errno: EEXIST)
            }
            state.nodes[path] = Node(
                type: .directory, mode: mode, uid: owner?.uid ?? runningUID, gid: owner?.gid ?? runningUID)
            state.bump(path)
            state.changes.append(.createDirectory(path))
        }
    }

    /// The status of what is at `path`, or nil.
    package func status(_ path: String) throws -> FileStatus? {
        try permit(.status, "status of", path)
        return node(path).map { FileStatus(type: $0.type, mode: $0.mode, uid: $0.uid, gid: $0.gid) }
    }

    /// The status of what `path` names after symbolic links, or nil; following a link without a target is a test
    /// failure.
    package func statusFollowingLinks(_ path: String) throws -> FileStatus? {
        try permit(.status, "status of", path)
        let node = state.withLock { Self.resolve(path, in: $0.nodes) }
        if let node, node.type == .symbolicLink {
            Issue.record("MemoryFileSystem: \(path) leads to a symbolic link the test gave no target")
            throw SystemError(.unexpectedCommand, operation: "stat", subject: path)
        }
        return node.map { FileStatus(type: $0.type, mode: $0.mode, uid: $0.uid, gid: $0.gid) }
    }

    /// The identity of `path`: its version (bumped by every change through the protocol or the set-up calls, and
    /// for a directory by changes of its entries), changed "long ago" (time 0), or missing.
    package func identity(_ path: String) throws -> FileIdentity? {
        try permit(.status, "identity of", path)
        return state.withLock { state in
            guard state.nodes[path] != nil else { return .missing(path) }
            return FileIdentity(path: path, stamp: "v\(state.versions[path] ?? 0)", changedAt: 0)
        }
    }

    /// Marks `path` changed without changing its content, as `touch` does.
    package func touch(_ path: String) { state.withLock { $0.bump(path) } }

    // MARK: - FileReading

    /// The bytes of the file at `path`, as `readFile` reads them.
    package func contents(atPath path: String) throws -> [UInt8]? {
        try readFile(path)
    }

    // MARK: - Helpers

    /// The directory that holds `path`.
    package static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// What `path` names after at most eight symbolic links with a target; a link without one is returned as is,
    /// a dangling link or a loop gives nil (like ENOENT and ELOOP).
    private static func resolve(_ path: String, in nodes: [String: Node]) -> Node? {
        var current = path
        for _ in 0..<8 {
            guard let node = nodes[current] else { return nil }
            guard node.type == .symbolicLink, let target = node.target else { return node }
            current = target
        }
        return nil
    }

    /// Records a test failure and throws when the test did not allow `operation`.
    private func permit(_ operation: Operations, _ what: String, _ path: String) throws {
        guard !allowed.contains(operation) else { return }
        Issue.record("MemoryFileSystem: unexpected \(what) \(path)")
        throw SystemError(.unexpectedCommand, operation: what, subject: path)
    }
}
