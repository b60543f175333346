public import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A swift-log handler that writes each event to syslog as one line.
public struct SyslogLogHandler: LogHandler {
    /// The logger label, written before the message (for example "import_users: ...").
    public let label: String
    /// The facility of every line.
    public let facility: SyslogFacility
    private let writer: any SyslogWriting

    /// The lowest level that is logged.
    public var logLevel: Logger.Level = .info
    /// Metadata added to every line of this handler.
    public var metadata: Logger.Metadata = [:]
    /// Contextual metadata merged into every line.
    public var metadataProvider: Logger.MetadataProvider?

    /// The syslog identity of the original aws-ec2-ssh, which operators grep for.
    public static let defaultTag = "aws-ec2-ssh"

    /// Creates a handler writing to the real syslog with identity `tag`.
    public init(label: String, facility: SyslogFacility = .auth, tag: String = SyslogLogHandler.defaultTag) {
        self.init(label: label, facility: facility, writer: SystemSyslog(tag: tag, facility: facility))
    }

    /// Creates a handler writing through `writer`, for tests.
    public init(label: String, facility: SyslogFacility, writer: any SyslogWriting) {
        self.label = label
        self.facility = facility
        self.writer = writer
    }

    /// Reads or changes one metadata value.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats `event` with `LogLineFormatter` and sends it at the matching syslog severity.
    public func log(event: LogEvent) {
        let line = LogLineFormatter.eventLine(
            label: label, handler: metadata, provider: metadataProvider, event: event)
        writer.write(priority: facility.code | Self.severity(of: event.level), line: line)
    }

    /// The syslog severity for a swift-log level (trace and debug both map to `LOG_DEBUG`).
    public static func severity(of level: Logger.Level) -> Int32 {
        switch level {
        case .trace, .debug: return LOG_DEBUG
        case .info: return LOG_INFO
        case .notice: return LOG_NOTICE
        case .warning: return LOG_WARNING
        case .error: return LOG_ERR
        case .critical: return LOG_CRIT
        }
    }
}
