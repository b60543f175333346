public import Logging

/// Builds the log handler the executables install with `LoggingSystem.bootstrap`.
public enum SystemLogging {
    /// A handler that writes to syslog, and to standard error by `standardError` and `quietStandardErrorLevel`.
    ///
    /// Syslog gets `level` and above. Standard error gets `level` and above when `standardError` is true (a
    /// terminal or `--verbose`), otherwise `quietStandardErrorLevel` and above when it is set, so that warnings
    /// and errors reach cron mail, the journal or a pipe whatever the output is. `writer` and `syslogWriter`
    /// replace standard error and syslog in tests.
    public static func handler(
        label: String, facility: SyslogFacility = .auth, tag: String = SyslogLogHandler.defaultTag, standardError: Bool,
        level: Logger.Level = .info, quietStandardErrorLevel: Logger.Level? = nil,
        writer: any LogLineWriting = StandardErrorWriter(), syslogWriter: (any SyslogWriting)? = nil
    ) -> any LogHandler {
        var syslog = SyslogLogHandler(
            label: label, facility: facility, writer: syslogWriter ?? SystemSyslog(tag: tag, facility: facility))
        syslog.logLevel = level
        guard let stderrLevel = standardError ? level : quietStandardErrorLevel.map({ max($0, level) }) else {
            return syslog
        }
        var stderr = StderrLogHandler(label: label, writer: writer)
        stderr.logLevel = stderrLevel
        return MultiplexLogHandler([syslog, stderr])
    }
}
