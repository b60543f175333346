import EC2SSHSystem
import Synchronization
import Testing

/// An in-memory filesystem with owners and modes, for the key cache and index checks.
///
/// Files and directories created through the protocol belong to `runningUID`; parents must exist. Reads of a
/// directory, writes into a missing directory and anything set to fail throw `SystemError` like the real one.
final class KeyFakeFileSystem: FileSystem, Sendable {
    struct Node: Sendable, Equatable {
        var type: FileType
        var mode: UInt32
        var uid: UInt32
        var gid: UInt32
        var bytes: [UInt8] = []
    }

    struct Write: Sendable, Equatable {
        var path: String
        var mode: UInt32
        var owner: FileOwner?
    }

    private struct State {
        var nodes: [String: Node] = ["/": Node(type: .directory, mode: 0o755, uid: 0, gid: 0)]
        var writes: [Write] = []
        var removals: [String] = []
        var failWrites = false
    }

    let runningUID: UInt32
    private let state = Mutex(State())

    init(runningUID: UInt32 = 0) {
        self.runningUID = runningUID
    }

    // MARK: set-up and inspection

    func addDirectory(_ path: String, mode: UInt32 = 0o755, uid: UInt32 = 0) {
        state.withLock { $0.nodes[path] = Node(type: .directory, mode: mode, uid: uid, gid: uid) }
    }

    func addFile(_ path: String, _ bytes: [UInt8], mode: UInt32 = 0o644, uid: UInt32 = 0) {
        state.withLock { $0.nodes[path] = Node(type: .regular, mode: mode, uid: uid, gid: uid, bytes: bytes) }
    }

    func addSymlink(_ path: String) {
        state.withLock { $0.nodes[path] = Node(type: .symbolicLink, mode: 0o777, uid: 0, gid: 0) }
    }

    func node(_ path: String) -> Node? { state.withLock { $0.nodes[path] } }
    var writes: [Write] { state.withLock { $0.writes } }
    var removals: [String] { state.withLock { $0.removals } }
    func failWrites(_ fail: Bool) { state.withLock { $0.failWrites = fail } }

    // MARK: FileSystem

    func readFile(_ path: String) throws -> [UInt8]? {
        guard let node = node(path) else { return nil }
        guard node.type == .regular else { throw SystemError(.invalidArgument, operation: "read", subject: path) }
        return node.bytes
    }

    func writeFileAtomically(_ path: String, contents: [UInt8], mode: UInt32, owner: FileOwner?) throws {
        try state.withLock { state in
            guard !state.failWrites, state.nodes[Self.parent(of: path)]?.type == .directory else {
                throw SystemError(.systemCall, operation: "write", subject: path, errno: 2)
            }
            state.nodes[path] = Node(
                type: .regular, mode: mode, uid: owner?.uid ?? runningUID, gid: owner?.gid ?? runningUID,
                bytes: contents)
            state.writes.append(Write(path: path, mode: mode, owner: owner))
        }
    }

    func removeFile(_ path: String) throws {
        state.withLock { state in
            state.nodes[path] = nil
            state.removals.append(path)
        }
    }

    func listDirectory(_ path: String) throws -> [String] {
        let prefix = path.hasSuffix("/") ? path : path + "/"
        return state.withLock { state in
            state.nodes.keys.filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }
                .map { String($0.dropFirst(prefix.count)) }.sorted()
        }
    }

    func createDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws {
        try state.withLock { state in
            guard state.nodes[Self.parent(of: path)]?.type == .directory, !state.failWrites else {
                throw SystemError(.systemCall, operation: "mkdir", subject: path, errno: 13)
            }
            state.nodes[path] = Node(
                type: .directory, mode: mode, uid: owner?.uid ?? runningUID, gid: owner?.gid ?? runningUID)
        }
    }

    func status(_ path: String) throws -> FileStatus? {
        node(path).map { FileStatus(type: $0.type, mode: $0.mode, uid: $0.uid, gid: $0.gid) }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
