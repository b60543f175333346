import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Sends finished lines to syslog; the side effect behind `SyslogLogHandler`.
public protocol SyslogWriting: Sendable {
    /// Sends `line` with `priority` (facility code OR severity).
    func write(priority: Int32, line: String)
}

/// Whether `openlog` has run in this process.
private let syslogOpened = Mutex(false)

/// The real syslog, through `openlog(3)` and `vsyslog(3)`.
public struct SystemSyslog: SyslogWriting {
    /// Opens the log once per process with `openlog(3)`, `tag` as identity and `LOG_PID`.
    ///
    /// Only the first call in a process sets the tag; later ones reuse it (the facility of every line is
    /// still its own, since it is part of each priority).
    public init(tag: String, facility: SyslogFacility) {
        syslogOpened.withLock { opened in
            guard !opened else { return }
            // openlog keeps the pointer: the copy lives for the rest of the process on purpose.
            openlog(strdup(tag), LOG_PID, facility.code)
            opened = true
        }
    }

    /// Sends `line` with `vsyslog(3)` and a fixed "%s" format, since Swift cannot call the variadic `syslog`.
    public func write(priority: Int32, line: String) {
        line.withCString { text in
            withVaList([text]) { arguments in
                vsyslog(priority, "%s", arguments)
            }
        }
    }
}
