#if canImport(Glibc)
    import Glibc
#endif

/// The one error type of EC2SSHSystem: what was attempted, on which path or program, why it failed and what to do.
///
/// Its `description` is a complete sentence meant for an operator reading syslog or a terminal.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, so that callers can react to some of them (for example `lockHeld`).
    public enum Kind: Sendable, Equatable {
        /// A system call failed; `errno` says why.
        case systemCall
        /// The caller passed something unusable, for example a relative path; nothing was attempted.
        case invalidArgument
        /// Another process holds the lock: another run is in progress.
        case lockHeld
        /// A program did not finish within its time limit and was stopped.
        case timedOut
        /// A test double was asked to run a command that the test did not expect.
        case unexpectedCommand
        /// Data read from the system is not in the expected format.
        case malformedData
    }

    /// The kind of failure.
    public var kind: Kind
    /// What was attempted, for example "rename" or "run".
    public var operation: String
    /// The path or program concerned.
    public var subject: String
    /// The `errno` value of a failed system call, when there is one.
    public var errno: Int32?
    /// More detail about the failure, when `errno` alone does not say it.
    public var detail: String?
    /// What the operator can do about it.
    public var hint: String?

    /// Creates an error from its parts.
    public init(
        _ kind: Kind, operation: String, subject: String, errno: Int32? = nil, detail: String? = nil,
        hint: String? = nil
    ) {
        self.kind = kind
        self.operation = operation
        self.subject = subject
        self.errno = errno
        self.detail = detail
        self.hint = hint
    }

    /// The text of `errno` as `strerror` gives it, for example "Permission denied".
    public var errnoText: String? {
        guard let errno else { return nil }
        return String(cString: strerror(errno))
    }

    /// One line: the operation, the subject, the cause and the hint.
    public var description: String {
        var text = "\(operation) \(subject) failed"
        var causes: [String] = []
        if let errnoText { causes.append(errnoText) }
        if let detail { causes.append(detail) }
        if !causes.isEmpty { text += ": " + causes.joined(separator: "; ") }
        if let hint { text += " (\(hint))" }
        return text
    }

    /// An error for a failed system call on `subject`.
    static func systemCall(_ operation: String, _ subject: String, _ code: Errno, hint: String? = nil) -> SystemError {
        SystemError(.systemCall, operation: operation, subject: subject, errno: code.code, hint: hint ?? code.hint)
    }

    /// An error for an unusable argument, raised before anything was attempted.
    static func invalid(_ operation: String, _ subject: String, _ detail: String) -> SystemError {
        SystemError(.invalidArgument, operation: operation, subject: subject, detail: detail)
    }
}
