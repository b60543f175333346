import EC2SSHSystem
package import Logging
import Synchronization

/// Collects log lines as `level: message key=value ...` (metadata formatted as in the real handlers).
package final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// Creates an empty capture.
    package init() {}

    /// Every line so far, in order.
    package var all: [String] { lines.withLock { $0 } }
    /// Every line so far, joined by newlines.
    package var text: String { all.joined(separator: "\n") }

    /// Adds `line` to the capture.
    package func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// A logger writing into this capture at every level.
    package var logger: Logger {
        Logger(label: "test") { _ in Handler(capture: self) }
    }

    /// The log handler that formats each event and appends it to the capture.
    private struct Handler: LogHandler {
        /// Where the lines go.
        let capture: LogCapture
        /// Every level is captured.
        var logLevel: Logger.Level = .trace
        /// The logger's metadata, formatted into every line.
        var metadata: Logger.Metadata = [:]

        /// One metadata value.
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        /// Formats `event` as the real handlers do and appends it to the capture.
        func log(event: LogEvent) {
            capture.append(
                LogLineFormatter.eventLine(
                    label: "", showingLevel: true, handler: metadata, provider: nil, event: event))
        }
    }
}
