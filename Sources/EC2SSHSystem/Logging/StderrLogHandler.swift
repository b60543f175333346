public import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Writes finished log lines somewhere; the side effect behind `StderrLogHandler`.
public protocol LogLineWriting: Sendable {
    /// Writes `line`, which ends with a newline.
    func write(_ line: String)
}

/// Writes lines to standard error (descriptor 2), each with a single `write(2)` so lines never interleave.
public struct StandardErrorWriter: LogLineWriting {
    /// Creates the writer.
    public init() {}

    /// Writes `line` to descriptor 2; errors are ignored, as there is nowhere left to report them.
    public func write(_ line: String) {
        try? Syscall.writeAll(2, Array(line.utf8))
    }
}

/// A swift-log handler for terminals and `--verbose`: "label: level: message key=value" on standard error.
public struct StderrLogHandler: LogHandler {
    /// The logger label, written first (for example "import_users").
    public let label: String
    private let writer: any LogLineWriting

    /// The lowest level that is logged.
    public var logLevel: Logger.Level = .info
    /// Metadata added to every line of this handler.
    public var metadata: Logger.Metadata = [:]
    /// Contextual metadata merged into every line.
    public var metadataProvider: Logger.MetadataProvider?

    /// Creates a handler; `writer` defaults to standard error.
    public init(label: String, writer: any LogLineWriting = StandardErrorWriter()) {
        self.label = label
        self.writer = writer
    }

    /// Reads or changes one metadata value.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats `event` with `LogLineFormatter` and writes it as one line.
    public func log(event: LogEvent) {
        let line = LogLineFormatter.eventLine(
            label: label, showingLevel: true, handler: metadata, provider: metadataProvider, event: event)
        writer.write(line + "\n")
    }
}
