#if canImport(Glibc)
    import Glibc
#endif

/// Finds and signals the processes of a local user, for example before deleting the account.
public protocol ProcessControl: Sendable {
    /// The IDs of the processes whose real user ID is `uid`, ascending.
    func processes(ofUID uid: UInt32) throws -> [Int32]

    /// Sends `signal` to process `pid`; a process that has already exited is not an error.
    func signal(_ pid: Int32, _ signal: Int32) throws
}

/// The signals a caller of `ProcessControl.signal` sends, so that callers need not import the C library.
public enum ProcessSignal {
    /// SIGTERM: asks the process to end.
    public static let terminate: Int32 = SIGTERM
    /// SIGKILL: ends the process; it cannot be caught.
    public static let kill: Int32 = SIGKILL
}
