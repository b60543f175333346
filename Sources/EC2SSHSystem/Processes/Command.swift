/// An external program to run: an absolute path and an argument list, never a shell command line.
///
/// Commands are plain values, so tests can check exactly what would run without running it.
public struct Command: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The minimal environment programs get unless the caller says otherwise.
    public static let defaultEnvironment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]

    /// The absolute path of the program, for example "/usr/sbin/useradd".
    public var executable: String
    /// The arguments after the program name; each arrives as one `argv` entry, literally.
    public var arguments: [String]
    /// The complete environment of the program.
    public var environment: [String: String]
    /// Bytes to feed on standard input, or `nil` for /dev/null.
    public var standardInput: [UInt8]?
    /// The most seconds the program may run before it is stopped, or `nil` for no limit.
    public var timeout: Double?

    /// Creates a command; the environment defaults to a minimal PATH.
    public init(
        _ executable: String, _ arguments: [String] = [], environment: [String: String] = Command.defaultEnvironment,
        standardInput: [UInt8]? = nil, timeout: Double? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.standardInput = standardInput
        self.timeout = timeout
    }

    /// The program and its arguments, each quoted for a POSIX shell when needed, for log lines only.
    public var description: String {
        ([executable] + arguments).map(Self.quoted).joined(separator: " ")
    }

    /// `word` as a POSIX shell would need it written; used for display, never executed.
    static func quoted(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || "-_./:=,+@%".unicodeScalars.contains(scalar))
        }
        if plain && !word.isEmpty { return word }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }
}

/// How a program ended: with an exit status or killed by a signal.
public enum Termination: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The program exited with this status.
    case exited(Int32)
    /// A signal with this number killed the program.
    case signaled(Int32)

    /// "exit status N" or "signal N".
    public var description: String {
        switch self {
        case .exited(let status): return "exit status \(status)"
        case .signaled(let signal): return "signal \(signal)"
        }
    }
}

/// What a finished program left: how it ended, and everything it wrote on standard output and error.
public struct ProcessResult: Sendable, Equatable {
    /// How the program ended.
    public var termination: Termination
    /// Everything written on standard output.
    public var standardOutput: [UInt8]
    /// Everything written on standard error.
    public var standardError: [UInt8]

    /// Creates a result from its parts.
    public init(termination: Termination, standardOutput: [UInt8] = [], standardError: [UInt8] = []) {
        self.termination = termination
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// A result for a program that exited with `status`, with optional text output, for test scripts.
    public static func exited(_ status: Int32, standardOutput: String = "", standardError: String = "") -> Self {
        ProcessResult(
            termination: .exited(status), standardOutput: Array(standardOutput.utf8),
            standardError: Array(standardError.utf8))
    }

    /// Whether the program exited with status 0.
    public var succeeded: Bool { termination == .exited(0) }

    /// Standard output decoded as UTF-8 (invalid bytes replaced).
    public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }

    /// Standard error decoded as UTF-8 (invalid bytes replaced).
    public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }
}

/// Runs external programs; the only way the host side starts processes.
public protocol ProcessRunning: Sendable {
    /// Runs `command` to completion and returns how it ended and what it printed.
    ///
    /// A non-zero exit status is a result, not an error. Throws `SystemError` when the program cannot be
    /// started (`.invalidArgument`, `.systemCall`) or ran past its timeout (`.timedOut`).
    func run(_ command: Command) throws -> ProcessResult
}
