public import Logging

/// Forwards log events to another handler after clearing the progress line, so that a log line printed while
/// accounts are created starts at the left margin and the progress line reappears below it on its next draw.
public struct ProgressLogHandler: LogHandler {
    /// The handler that writes the event (syslog and standard error).
    public var inner: any LogHandler
    /// The meter whose line is cleared first.
    public let meter: ProgressMeter

    /// Wraps `inner`.
    public init(inner: any LogHandler, meter: ProgressMeter) {
        self.inner = inner
        self.meter = meter
    }

    /// The inner handler's level.
    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    /// The inner handler's metadata.
    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    /// One metadata value of the inner handler.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    /// Clears the progress line if it is shown, then logs `event` with the inner handler.
    public func log(event: LogEvent) {
        meter.clearLine()
        inner.log(event: event)
    }
}
