import EC2SSHShared
public import EC2SSHSystem

/// Why one plan action failed.
public enum ExecutionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A program exited unsuccessfully.
    case commandFailed(command: Command, result: ProcessResult)
    /// The host is not in the state the action expects, for example useradd succeeded but no account exists.
    case unexpectedHostState(String)

    /// The failure with the program's own message.
    public var description: String {
        switch self {
        case .commandFailed(let command, let result):
            let output = (result.standardErrorText + " " + result.standardOutputText)
                .split(whereSeparator: \.isNewline).joined(separator: " ")
            let trimmed = output.trimmingPrefix(while: { $0 == " " })
            let message = trimmed.isEmpty ? "" : ": \(trimmed.prefix(500))"
            return "\(command) failed with \(result.termination)\(message)"
        case .unexpectedHostState(let detail):
            return detail
        }
    }
}
