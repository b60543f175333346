/// A fleet snapshot, manifest or envelope that is not exactly in its documented format (version 1), or a
/// snapshot that cannot be written in it.
///
/// `part` names the piece of bytes ("snapshot", "manifest", "envelope"), `line` the 1-based line within it where
/// the problem is (`nil` when it concerns the whole piece).
public struct FleetFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Which piece of bytes is wrong: "snapshot", "manifest" or "envelope".
    public var part: String
    /// The 1-based line of `part`, `nil` when the problem concerns it as a whole.
    public var line: Int?
    /// What is wrong, as a phrase.
    public var message: String

    /// An error about `part` at `line`.
    public init(_ part: String, line: Int? = nil, _ message: String) {
        self.part = part
        self.line = line
        self.message = message
    }

    /// "fleet snapshot line 3: …", naming the piece and line.
    public var description: String {
        guard let line else { return "fleet \(part): \(message)" }
        return "fleet \(part) line \(line): \(message)"
    }
}
