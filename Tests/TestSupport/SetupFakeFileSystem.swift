package import EC2SSHSystem
import Synchronization
import Testing

/// An in-memory filesystem with regular files, directories and symbolic links; records every change.
///
/// Reads follow a symbolic link (like open(2)); `status` never does (like lstat(2)); writing over a link replaces
/// the link, as rename(2) does.
package final class SetupFakeFileSystem: FileSystem {
    /// One object at a path.
    package enum Node: Equatable {
        case file([UInt8], mode: UInt32, owner: FileOwner)
        case directory(mode: UInt32, owner: FileOwner)
        case link(String)
    }

    private let nodes = Mutex<[String: Node]>(["/": .directory(mode: 0o755, owner: .root)])
    private let log = Mutex<[String]>([])

    /// Every change, as "write PATH", "remove PATH", "mkdir PATH".
    package var changes: [String] { log.withLock { $0 } }
    /// Forgets the recorded changes.
    package func clearChanges() { log.withLock { $0 = [] } }

    /// Adds a file (and its parent directories).
    package func add(_ path: String, _ text: String, mode: UInt32 = 0o644, owner: FileOwner = .root) {
        addDirectory(Self.parent(path))
        nodes.withLock { $0[path] = .file(Array(text.utf8), mode: mode, owner: owner) }
    }

    /// Adds a directory and its parents.
    package func addDirectory(_ path: String, mode: UInt32 = 0o755, owner: FileOwner = .root) {
        var current = path
        while current != "/" {
            let here = current
            nodes.withLock { nodes in
                if nodes[here] == nil { nodes[here] = .directory(mode: mode, owner: owner) }
            }
            current = Self.parent(current)
        }
    }

    /// Adds a symbolic link.
    package func addLink(_ path: String, to target: String) {
        addDirectory(Self.parent(path))
        nodes.withLock { $0[path] = .link(target) }
    }

    /// The node at `path`, not followed.
    package func node(_ path: String) -> Node? { nodes.withLock { $0[path] } }

    /// The text of the file at `path` (following a link), or nil.
    package func text(_ path: String) -> String? {
        (try? readFile(path))?.map { String(decoding: $0, as: UTF8.self) }
    }

    package func readFile(_ path: String) throws -> [UInt8]? {
        nodes.withLock { nodes in
            var current = path
            for _ in 0..<8 {
                switch nodes[current] {
                case .file(let bytes, _, _): return bytes
                case .link(let target): current = target
                default: return nil
                }
            }
            return nil
        }
    }

    package func writeFileAtomically(_ path: String, contents: [UInt8], mode: UInt32, owner: FileOwner?) throws {
        try nodes.withLock { nodes in
            guard case .directory = nodes[Self.parent(path)] else {
                throw SystemError(.systemCall, operation: "write", subject: path, errno: 2)
            }
            nodes[path] = .file(contents, mode: mode, owner: owner ?? .root)
        }
        log.withLock { $0.append("write \(path)") }
    }

    package func removeFile(_ path: String) throws {
        let removed = nodes.withLock { $0.removeValue(forKey: path) != nil }
        if removed { log.withLock { $0.append("remove \(path)") } }
    }

    package func listDirectory(_ path: String) throws -> [String] {
        nodes.withLock { nodes in
            nodes.keys.filter { $0 != "/" && Self.parent($0) == path }.map {
                String($0.dropFirst(path == "/" ? 1 : path.count + 1))
            }.sorted()
        }
    }

    package func createDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws {
        try nodes.withLock { nodes in
            switch nodes[path] {
            case nil:
                guard case .directory = nodes[Self.parent(path)] else {
                    throw SystemError(.systemCall, operation: "create directory", subject: path, errno: 2)
                }
            case .directory: break
            default: throw SystemError(.systemCall, operation: "create directory", subject: path, errno: 20)
            }
            nodes[path] = .directory(mode: mode, owner: owner ?? .root)
        }
        log.withLock { $0.append("mkdir \(path)") }
    }

    package func status(_ path: String) throws -> FileStatus? {
        nodes.withLock { nodes in
            switch nodes[path] {
            case .file(_, let mode, let owner): FileStatus(type: .regular, mode: mode, uid: owner.uid, gid: owner.gid)
            case .directory(let mode, let owner):
                FileStatus(type: .directory, mode: mode, uid: owner.uid, gid: owner.gid)
            case .link: FileStatus(type: .symbolicLink, mode: 0o777, uid: 0, gid: 0)
            case nil: nil
            }
        }
    }

    package func statusFollowingLinks(_ path: String) throws -> FileStatus? {
        if case .link(let target) = node(path) { return try statusFollowingLinks(target) }
        return try status(path)
    }

    /// The directory part of `path`.
    package static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
