import EC2SSHSystem
import Logging
import Synchronization

/// Collects formatted log lines (`LEVEL message key=value ...`) for assertions.
final class KeyLogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// A logger writing into this capture at every level.
    var logger: Logger {
        Logger(label: "authorized_keys_command") { label in
            var handler = Handler(label: label, capture: self)
            handler.logLevel = .trace
            return handler
        }
    }

    struct Handler: LogHandler {
        let label: String
        let capture: KeyLogCapture
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = LogLineFormatter.merged(
                handler: metadata, provider: nil, event: event.metadata, error: event.error)
            capture.append(
                "\(event.level) " + LogLineFormatter.line(message: event.message.description, metadata: merged))
        }
    }
}
