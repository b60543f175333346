import Synchronization

@testable import AWSCore

/// An in-memory `FileReading`: files by path; `unreadable` paths throw like a permission error.
final class CredsMemoryFiles: FileReading {
    private let state: Mutex<(files: [String: String], reads: [String])>
    private let unreadable: Set<String>

    init(_ files: [String: String] = [:], unreadable: Set<String> = []) {
        state = Mutex((files, []))
        self.unreadable = unreadable
    }

    /// Every path read so far, in order.
    var reads: [String] { state.withLock { $0.reads } }

    func contents(atPath path: String) throws -> [UInt8]? {
        let text = state.withLock { state -> String? in
            state.reads.append(path)
            return state.files[path]
        }
        if unreadable.contains(path) {
            throw AWSError.configuration(detail: "cannot open \(path): Permission denied")
        }
        return text.map { Array($0.utf8) }
    }
}
