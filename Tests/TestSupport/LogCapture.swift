import EC2SSHSystem
import Logging
import Synchronization

/// Collects log lines as `level: message key=value ...` (metadata formatted as in the real handlers).
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// Every line so far, in order.
    var all: [String] { lines.withLock { $0 } }
    /// Every line so far, joined by newlines.
    var text: String { all.joined(separator: "\n") }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// A logger writing into this capture at every level.
    var logger: Logger {
        Logger(label: "test") { _ in Handler(capture: self) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.append(
                LogLineFormatter.eventLine(
                    label: "", showingLevel: true, handler: metadata, provider: nil, event: event))
        }
    }
}
