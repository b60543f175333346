#if canImport(Glibc)
    import Glibc
#endif

/// Facts about the terminal the process runs on, read once by the executables and passed on as values.
public enum Terminal {
    /// Whether standard error (descriptor 2) is a terminal, by `isatty(3)`.
    public static var isInteractive: Bool {
        isatty(2) == 1
    }
}
