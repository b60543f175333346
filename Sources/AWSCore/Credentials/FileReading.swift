#if canImport(Glibc)
    import Glibc
#endif

/// Reads whole files; the only way AWSCore touches the filesystem (shared AWS config and credentials files).
public protocol FileReading: Sendable {
    /// The bytes of the file at `path`, or `nil` when it does not exist.
    ///
    /// Throws `AWSError.configuration` when the file exists but cannot be read.
    func contents(atPath path: String) throws -> [UInt8]?
}

/// Reads files from the real filesystem with `open`/`read`.
public struct SystemFileReader: FileReading {
    /// Creates the reader.
    public init() {}

    /// The bytes of the file at `path`, or `nil` when it does not exist.
    public func contents(atPath path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw AWSError.configuration(detail: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw AWSError.configuration(detail: "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { return result }
            result.append(contentsOf: buffer[0..<count])
        }
    }
}
