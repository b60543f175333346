#if canImport(Glibc)
    import Glibc
#endif

/// Finds processes by scanning `/proc/[pid]/status` and signals them with `kill(2)`.
public struct ProcProcessControl: ProcessControl {
    private let fileSystem: any FileSystem
    private let procRoot: String

    /// Creates the control; `fileSystem` and `procRoot` are replaceable so tests can feed a fake /proc.
    public init(fileSystem: any FileSystem = PosixFileSystem(), procRoot: String = "/proc") {
        self.fileSystem = fileSystem
        self.procRoot = procRoot
    }

    /// Reads the `Uid:` line of every `/proc/[pid]/status`, skipping processes that exit during the scan.
    public func processes(ofUID uid: UInt32) throws -> [Int32] {
        var found: [Int32] = []
        for entry in try fileSystem.listDirectory(procRoot) {
            guard let pid = Int32(entry), pid > 0 else { continue }
            let contents: [UInt8]?
            do {
                contents = try fileSystem.readFile("\(procRoot)/\(entry)/status")
            } catch let error as SystemError where error.errno == ESRCH || error.errno == ENOENT {
                continue  // the process exited between listing and reading
            }
            guard let contents else { continue }
            if Self.realUID(inStatus: contents) == uid { found.append(pid) }
        }
        return found.sorted()
    }

    /// Calls `kill(2)`; `ESRCH` (the process is gone) counts as success.
    public func signal(_ pid: Int32, _ signal: Int32) throws {
        guard pid > 0 else {
            throw SystemError.invalid(
                "signal", "process \(pid)", "only a single process (pid above 0) may be signalled")
        }
        do {
            try Syscall.kill(pid, signal)
        } catch {
            if error.code == ESRCH { return }
            throw SystemError.systemCall("signal", "process \(pid)", error)
        }
    }

    /// The real user ID: the first number of the `Uid:` line of a `/proc/[pid]/status` file.
    static func realUID(inStatus contents: [UInt8]) -> UInt32? {
        for line in contents.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("Uid:".utf8)) {
            let fields = line.dropFirst(4).split(whereSeparator: { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: " ") }
            )
            guard let first = fields.first else { return nil }
            return UInt32(String(decoding: first, as: UTF8.self))
        }
        return nil
    }
}
