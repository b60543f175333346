/// The one error type of HostSetup: what stopped the installation, and the exit status it leads to.
///
/// The message says what failed, where, and what to do; whether anything was changed is said by the caller.
public struct SetupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// How the run ends.
    public enum Kind: Sendable, Equatable {
        /// Refused before any change: bad options or values (exit status 2).
        case usage
        /// Failed; whatever was changed has been put back (exit status 1).
        case failed
    }

    /// How the run ends.
    public var kind: Kind
    /// The complete message.
    public var message: String

    /// Creates an error of `kind`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Creates a `.failed` error.
    public init(_ message: String) {
        self.init(.failed, message)
    }

    /// The message.
    public var description: String { message }

    /// The exit status: 2 for usage, 1 otherwise.
    public var exitStatus: Int32 { kind == .usage ? 2 : 1 }
}
