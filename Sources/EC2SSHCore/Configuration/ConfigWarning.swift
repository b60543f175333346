/// A non-fatal problem found in the configuration file, to be logged by the caller.
public struct ConfigWarning: Equatable, Sendable, CustomStringConvertible {
    /// The path of the configuration file, as given by the caller.
    public var path: String
    /// The 1-based line the warning is about, or `nil` when it concerns the file as a whole.
    public var line: Int?
    /// The key the warning is about, when there is one.
    public var key: String?
    /// What is wrong and what to do about it.
    public var message: String

    /// Creates a warning.
    public init(path: String, line: Int?, key: String?, message: String) {
        self.path = path
        self.line = line
        self.key = key
        self.message = message
    }

    /// The warning as `path:line: message`.
    public var description: String {
        if let line {
            return "\(path):\(line): \(message)"
        }
        return "\(path): \(message)"
    }
}
