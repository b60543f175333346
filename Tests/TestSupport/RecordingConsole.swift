import EC2SSHSystem
import Synchronization

/// A test double for `ConsoleWriting`: keeps what was written to each stream, in order, and writes nothing.
package final class RecordingConsole: ConsoleWriting {
    private let writes = Mutex<[(bytes: [UInt8], toStandardError: Bool)]>([])

    /// Creates an empty console.
    package init() {}

    /// Records `bytes` for the stream named by `toStandardError`.
    package func write(_ bytes: [UInt8], toStandardError: Bool) {
        writes.withLock { $0.append((bytes, toStandardError)) }
    }

    /// Each write to standard error, as text.
    package var standardErrorWrites: [String] {
        writes.withLock { $0.filter(\.toStandardError).map { String(decoding: $0.bytes, as: UTF8.self) } }
    }

    /// Everything written to standard output, as text.
    package var standardOutput: String {
        writes.withLock { String(decoding: $0.filter { !$0.toStandardError }.flatMap(\.bytes), as: UTF8.self) }
    }
}
