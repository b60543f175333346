#if canImport(Glibc)
    import Glibc
#endif

/// Reads the environment of this process (the executables pass it in; libraries never read it themselves).
public enum ProcessEnvironment {
    /// Every `NAME=value` variable of the process.
    public static func current() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
