import Logging

/// Builds the log handler the executables install with `LoggingSystem.bootstrap`.
public enum SystemLogging {
    /// A handler that always writes to syslog and, when `standardError` is true (a terminal or `--verbose`),
    /// also to standard error; both at `level` and above.
    public static func handler(
        label: String, facility: SyslogFacility = .auth, tag: String = SyslogLogHandler.defaultTag, standardError: Bool,
        level: Logger.Level = .info
    ) -> any LogHandler {
        var syslog = SyslogLogHandler(label: label, facility: facility, tag: tag)
        syslog.logLevel = level
        guard standardError else { return syslog }
        var stderr = StderrLogHandler(label: label)
        stderr.logLevel = level
        return MultiplexLogHandler([syslog, stderr])
    }
}
