package import EC2SSHSystem
import Synchronization

/// A test double for `AccountFilesAccess`: the account files and homes in memory, with writes that fail on demand.
///
/// Fail-loud: reading a file the test did not give is `nil` (as for a missing file), replacing one it did not give
/// throws, and taking the locks while they are held (a nested `withLocks`) throws.
package final class MemoryAccountFiles: AccountFilesAccess {
    private struct State {
        var texts: [String: String]
        var homes: [String: (uid: UInt32, gid: UInt32, mode: UInt32)] = [:]
        var existing: Set<String> = []
        var failing: Set<String> = []
        var allowances: [String: Int] = [:]
        var failingHomes: Set<String> = []
        var replaced: [String] = []
        var locked = false
        var cleared: [String] = []
    }

    /// Why a scripted write failed.
    package struct Failure: Error, CustomStringConvertible {
        /// The file or home.
        package var path: String
        package var description: String { "\(path): scripted failure" }
    }

    private let state: Mutex<State>

    /// The files `texts` (path to text); nothing else exists.
    package init(_ texts: [String: String]) {
        state = Mutex(State(texts: texts))
    }

    /// Makes every later replace of `path` throw, until `succeed(path)`.
    package func fail(_ path: String) { state.withLock { _ = $0.failing.insert(path) } }

    /// Lets the next `count` replaces of `path` succeed and makes every later one throw, until `succeed(path)`.
    package func fail(_ path: String, afterSucceeding count: Int) {
        state.withLock {
            $0.failing.insert(path)
            $0.allowances[path] = count
        }
    }

    /// Lets replaces of `path` succeed again.
    package func succeed(_ path: String) {
        state.withLock {
            $0.failing.remove(path)
            $0.allowances[path] = nil
        }
    }

    /// Makes creating the home `path` throw.
    package func failHome(_ path: String) { state.withLock { _ = $0.failingHomes.insert(path) } }

    /// Says that `path` exists (a home made by someone else).
    package func addExisting(_ path: String) { state.withLock { _ = $0.existing.insert(path) } }

    /// The text of `path`.
    package func text(_ path: String) -> String? { state.withLock { $0.texts[path] } }

    /// The homes created, with owner and mode.
    package var homes: [String: (uid: UInt32, gid: UInt32, mode: UInt32)] { state.withLock { $0.homes } }

    /// The files replaced, in order.
    package var replaced: [String] { state.withLock { $0.replaced } }

    package func withLocks<T>(_ paths: [String], _ body: () throws -> T) throws -> T {
        try state.withLock { (state) throws -> Void in
            if state.locked { throw Failure(path: "locks taken twice") }
            state.locked = true
        }
        defer { state.withLock { $0.locked = false } }
        return try body()
    }

    package func read(_ path: String) throws -> String? { state.withLock { $0.texts[path] } }

    package func replace(_ path: String, with text: String) throws {
        try state.withLock { (state) throws -> Void in
            if let left = state.allowances[path], left > 0 {
                state.allowances[path] = left - 1
            } else if state.failing.contains(path) {
                throw Failure(path: path)
            }
            guard state.texts[path] != nil else { throw Failure(path: "\(path) does not exist") }
            guard state.locked else { throw Failure(path: "\(path) replaced without the locks") }
            state.texts[path] = text
            state.replaced.append(path)
        }
    }

    package func createHome(_ path: String, from skel: String, uid: UInt32, gid: UInt32, mode: UInt32) throws {
        try state.withLock { (state) throws -> Void in
            guard !state.failingHomes.contains(path), state.homes[path] == nil, !state.existing.contains(path) else {
                throw Failure(path: path)
            }
            state.homes[path] = (uid, gid, mode)
        }
    }

    /// The records cleared: path, offset, length.
    package var cleared: [String] { state.withLock { $0.cleared } }

    package func clearRecords(_ path: String, offsets: [UInt64], length: Int) throws -> Int {
        state.withLock {
            $0.cleared += offsets.map { "\(path)@\($0)+\(length)" }
            return offsets.count
        }
    }

    package func exists(_ path: String) -> Bool {
        state.withLock { $0.texts[path] != nil || $0.homes[path] != nil || $0.existing.contains(path) }
    }
}
