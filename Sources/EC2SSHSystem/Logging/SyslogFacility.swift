#if canImport(Glibc)
    import Glibc
#endif

/// A syslog facility: which log a message goes to.
public enum SyslogFacility: Sendable, Equatable, CaseIterable {
    /// Security and authorization messages (`LOG_AUTH`), where the original aws-ec2-ssh logged.
    case auth
    /// Private security and authorization messages (`LOG_AUTHPRIV`).
    case authpriv
    /// System daemons (`LOG_DAEMON`).
    case daemon
    /// The clock daemon (`LOG_CRON`).
    case cron
    /// Generic user-level messages (`LOG_USER`).
    case user
    /// Local use 0 (`LOG_LOCAL0`).
    case local0
    /// Local use 1 (`LOG_LOCAL1`).
    case local1
    /// Local use 2 (`LOG_LOCAL2`).
    case local2
    /// Local use 3 (`LOG_LOCAL3`).
    case local3
    /// Local use 4 (`LOG_LOCAL4`).
    case local4
    /// Local use 5 (`LOG_LOCAL5`).
    case local5
    /// Local use 6 (`LOG_LOCAL6`).
    case local6
    /// Local use 7 (`LOG_LOCAL7`).
    case local7

    /// The facility for a configuration name such as "auth" or "local3", or `nil` when unknown.
    public init?(name: String) {
        guard let facility = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = facility
    }

    /// The name as syslog.conf spells it, for example "authpriv".
    public var name: String {
        String(describing: self)
    }

    /// The C facility code, already shifted (`LOG_AUTH` and so on).
    public var code: Int32 {
        switch self {
        case .auth: return LOG_AUTH
        case .authpriv: return LOG_AUTHPRIV
        case .daemon: return LOG_DAEMON
        case .cron: return LOG_CRON
        case .user: return LOG_USER
        case .local0: return LOG_LOCAL0
        case .local1: return LOG_LOCAL1
        case .local2: return LOG_LOCAL2
        case .local3: return LOG_LOCAL3
        case .local4: return LOG_LOCAL4
        case .local5: return LOG_LOCAL5
        case .local6: return LOG_LOCAL6
        case .local7: return LOG_LOCAL7
        }
    }
}
