import EC2SSHSystem
import Logging

/// The logging of the subcommands that talk to AWS: syslog (auth facility), and standard error on a terminal or
/// with `--verbose`.
enum CommandLogging {
    /// Routes swift-log to syslog and, on a terminal or with `verbose`, to standard error; returns the logger.
    static func bootstrap(verbose: Bool) -> Logger {
        LoggingSystem.bootstrap { label in
            SystemLogging.handler(
                label: label, facility: .auth, standardError: verbose || Terminal.isInteractive,
                level: verbose ? .debug : .info, quietStandardErrorLevel: .warning)
        }
        return Logger(label: "import_users")
    }
}
