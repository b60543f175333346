#if canImport(Glibc)
    import Glibc
#endif

/// Writes bytes to standard output or standard error, unbuffered, so that messages from this process and from
/// the programs it runs come out in the order they were produced.
public protocol ConsoleWriting: Sendable {
    /// Writes `bytes` to standard error when `toStandardError`, else to standard output.
    func write(_ bytes: [UInt8], toStandardError: Bool)
}

/// The real console: `write(2)` on descriptors 1 and 2; write errors (a closed pipe) are ignored.
public struct StandardConsole: ConsoleWriting {
    /// Creates the console.
    public init() {}

    /// Writes all of `bytes` with `write(2)`, retrying on EINTR and short writes.
    public func write(_ bytes: [UInt8], toStandardError: Bool) {
        try? Syscall.writeAll(toStandardError ? 2 : 1, bytes)
    }
}
