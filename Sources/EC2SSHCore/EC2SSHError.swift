/// The core's error for unusable input files and settings: the configuration file, a shell-style setting, a data
/// file the tools keep (state, index, key cache), and a UID range with no room left; its message says what went
/// wrong, where, and what to do about it.
///
/// It is not the core's only error: planning throws `PlanError` (bad state file, unusable setting), key checks
/// report `KeyRejection`, and name mapping `NameMapping.Refusal`.
public enum EC2SSHError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A line of the configuration file is not valid; `line` is 1-based, `nil` when it concerns the whole file.
    case invalidConfiguration(path: String, line: Int?, message: String)

    /// A shell-style argument string (for example USERADD_ARGS) cannot be split into words.
    case invalidShellWords(input: String, message: String)

    /// No free UID (and GID) is left in the configured range for the local user `localName`.
    case uidRangeExhausted(localName: String, range: ClosedRange<UInt32>)

    /// A data file the tools keep (state, index, key cache) cannot be used; `message` says why and what to do.
    case invalidDataFile(path: String, message: String)

    /// An installation step cannot go ahead (a file, value or host state it refuses); `path` names the file.
    case invalidSetup(path: String?, message: String)

    /// A human-readable explanation naming the file, line or user concerned.
    public var description: String {
        switch self {
        case .invalidConfiguration(let path, let line, let message):
            if let line {
                return "\(path):\(line): \(message)"
            }
            return "\(path): \(message)"
        case .invalidShellWords(let input, let message):
            return "cannot split \"\(input)\" into arguments: \(message)"
        case .uidRangeExhausted(let localName, let range):
            return "no free UID/GID left in UID_RANGE \(range.lowerBound)-\(range.upperBound) for user \(localName);"
                + " widen UID_RANGE in the configuration file or remove unused accounts"
        case .invalidDataFile(let path, let message):
            return "\(path): \(message)"
        case .invalidSetup(let path, let message):
            guard let path else { return message }
            return "\(path): \(message)"
        }
    }
}
