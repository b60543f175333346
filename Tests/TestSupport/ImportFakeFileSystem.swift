import EC2SSHSystem
import Synchronization
import Testing

/// An in-memory filesystem that records every change; directories exist when created or when a file is in them.
final class ImportFakeFileSystem: FileSystem {
    struct Entry: Equatable {
        var contents: [UInt8]
        var mode: UInt32
        var owner: FileOwner?
    }

    enum Change: Equatable {
        case write(String)
        case remove(String)
        case createDirectory(String)
    }

    private struct State {
        var files: [String: Entry] = [:]
        var directories: Set<String> = ["/"]
        var changes: [Change] = []
        var failingWrites: Set<String> = []
        var directoryStatus: [String: FileStatus] = [:]
    }

    private let state = Mutex(State())

    init(files: [String: String] = [:], directories: Set<String> = []) {
        state.withLock { state in
            for (path, text) in files {
                state.files[path] = Entry(contents: Array(text.utf8), mode: 0o644, owner: .root)
            }
            state.directories.formUnion(directories)
        }
    }

    /// Every change, in order.
    var changes: [Change] { state.withLock { $0.changes } }
    /// The text of `path`, or nil.
    func text(_ path: String) -> String? {
        state.withLock { $0.files[path].map { String(decoding: $0.contents, as: UTF8.self) } }
    }
    /// The entry at `path`, or nil.
    func entry(_ path: String) -> Entry? { state.withLock { $0.files[path] } }
    /// All file paths.
    var paths: [String] { state.withLock { $0.files.keys.sorted() } }
    /// Makes writes to `path` fail.
    func failWrites(to path: String) { state.withLock { _ = $0.failingWrites.insert(path) } }
    /// Gives directory `path` this status instead of root 0755.
    func setDirectoryStatus(_ path: String, _ status: FileStatus) {
        state.withLock { state in
            state.directories.insert(path)
            state.directoryStatus[path] = status
        }
    }
    /// Forgets the recorded changes.
    func clearChanges() { state.withLock { $0.changes = [] } }

    func readFile(_ path: String) throws -> [UInt8]? {
        state.withLock { $0.files[path]?.contents }
    }

    func writeFileAtomically(_ path: String, contents: [UInt8], mode: UInt32, owner: FileOwner?) throws {
        try state.withLock { state in
            guard !state.failingWrites.contains(path) else {
                throw SystemError(.systemCall, operation: "write", subject: path, errno: 28)
            }
            guard state.directories.contains(Self.parent(path)) else {
                throw SystemError(.systemCall, operation: "write", subject: path, errno: 2)
            }
            state.files[path] = Entry(contents: contents, mode: mode, owner: owner)
            state.changes.append(.write(path))
        }
    }

    func removeFile(_ path: String) throws {
        state.withLock { state in
            if state.files.removeValue(forKey: path) != nil { state.changes.append(.remove(path)) }
        }
    }

    func listDirectory(_ path: String) throws -> [String] {
        state.withLock { state in
            state.files.keys.filter { Self.parent($0) == path }.map { String($0.dropFirst(path.count + 1)) }.sorted()
        }
    }

    func createDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws {
        state.withLock { state in
            state.directories.insert(path)
            state.changes.append(.createDirectory(path))
        }
    }

    func status(_ path: String) throws -> FileStatus? {
        state.withLock { state in
            if let entry = state.files[path] {
                return FileStatus(
                    type: .regular, mode: entry.mode, uid: entry.owner?.uid ?? 0, gid: entry.owner?.gid ?? 0)
            }
            if state.directories.contains(path) {
                return state.directoryStatus[path] ?? FileStatus(type: .directory, mode: 0o755, uid: 0, gid: 0)
            }
            return nil
        }
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
