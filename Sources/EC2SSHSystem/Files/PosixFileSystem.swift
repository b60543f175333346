#if canImport(Glibc)
    import Glibc
#endif

/// The real filesystem, through `open`, `write`, `fsync`, `rename` and friends.
public struct PosixFileSystem: FileSystem {
    /// Creates the filesystem.
    public init() {}

    /// Reads the whole regular file at `path` with `open(2)`, `fstat(2)` and `read(2)`; `nil` when it does not
    /// exist, `.invalidArgument` when it is not a regular file.
    public func readFile(_ path: String) throws -> [UInt8]? {
        try validateAbsolutePath(path, operation: "read")
        let fd: Int32
        do {
            // O_NONBLOCK keeps a FIFO planted at `path` from blocking the open; it is refused just below.
            fd = try Syscall.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        } catch {
            if error.code == ENOENT || error.code == ENOTDIR { return nil }
            throw SystemError.systemCall("open", path, error)
        }
        defer { try? Syscall.close(fd) }
        do {
            let info = try Syscall.fstat(fd)
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw SystemError.invalid("read", path, "it is not a regular file")
            }
        } catch let error as Errno {
            throw SystemError.systemCall("stat", path, error)
        }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let outcome = buffer.withUnsafeMutableBytes { bytes in
                Result { () throws(Errno) -> Int in try Syscall.read(fd, into: bytes) }
            }
            let count: Int
            do {
                count = try outcome.get()
            } catch {
                throw SystemError.systemCall("read", path, error)
            }
            if count == 0 { return result }
            result.append(contentsOf: buffer[0..<count])
        }
    }

    /// Calls `body` with the bytes of the regular file at `path`, mapped read-only with `mmap(2)`.
    ///
    /// `body` gets `nil` when the file does not exist and an empty buffer for an empty file; anything but a regular
    /// file is `.invalidArgument`.
    public func withFileBytes<Result>(_ path: String, _ body: (UnsafeBufferPointer<UInt8>?) throws -> Result) throws
        -> Result
    {
        try validateAbsolutePath(path, operation: "read")
        let fd: Int32
        do {
            fd = try Syscall.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        } catch {
            if error.code == ENOENT || error.code == ENOTDIR { return try body(nil) }
            throw SystemError.systemCall("open", path, error)
        }
        defer { try? Syscall.close(fd) }
        let size: Int
        do {
            let info = try Syscall.fstat(fd)
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw SystemError.invalid("read", path, "it is not a regular file")
            }
            size = Int(info.st_size)
        } catch let error as Errno {
            throw SystemError.systemCall("stat", path, error)
        }
        guard size > 0 else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        let address: UnsafeRawPointer
        do {
            address = try Syscall.mapReadOnly(fd, size: size)
        } catch {
            throw SystemError.systemCall("mmap", path, error)
        }
        defer { Syscall.unmap(address, size: size) }
        return try body(UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: size))
    }

    /// Writes a temporary file next to `path`, sets its mode and owner, `fsync`s it, renames it over `path`
    /// and `fsync`s the directory.
    public func writeFileAtomically(_ path: String, contents: [UInt8], mode: UInt32, owner: FileOwner?) throws {
        try validateAbsolutePath(path, operation: "write")
        let (directory, name) = Self.split(path)
        guard !name.isEmpty, name != ".", name != ".." else {
            throw SystemError.invalid("write", path, "the path must name a file")
        }
        let (fd, temporary) = try Self.createTemporaryFile(in: directory, for: name)
        var renamed = false
        defer {
            if !renamed { try? Syscall.unlink(temporary) }
        }
        do {
            defer { try? Syscall.close(fd) }
            try Self.step("write", temporary) { () throws(Errno) in try Syscall.writeAll(fd, contents) }
            try Self.step("chmod", temporary) { () throws(Errno) in try Syscall.fchmod(fd, mode_t(mode)) }
            if let owner {
                try Self.step("chown", temporary) { () throws(Errno) in try Syscall.fchown(fd, owner.uid, owner.gid) }
            }
            try Self.step("fsync", temporary) { () throws(Errno) in try Syscall.fsync(fd) }
        }
        try Self.step("rename", "\(temporary) to \(path)") { () throws(Errno) in try Syscall.rename(temporary, path) }
        renamed = true
        try Self.syncDirectory(directory, after: path)
    }

    /// Removes `path` with `unlink(2)`; a missing file is fine.
    public func removeFile(_ path: String) throws {
        try validateAbsolutePath(path, operation: "remove")
        do {
            try Syscall.unlink(path)
        } catch {
            if error.code == ENOENT { return }
            throw SystemError.systemCall("remove", path, error)
        }
    }

    /// Lists `path` with `opendir(3)` and `readdir(3)`.
    public func listDirectory(_ path: String) throws -> [String] {
        try validateAbsolutePath(path, operation: "list")
        guard let directory = opendir(path) else {
            throw SystemError.systemCall("list", path, Errno.current)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw SystemError.systemCall("list", path, Errno.current) }
                break
            }
            let name = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Creates `path` with `mkdir(2)` or reuses an existing directory, then sets mode and owner through a
    /// descriptor opened with `O_DIRECTORY | O_NOFOLLOW` (so a symbolic link is refused, never followed).
    public func createDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws {
        try validateAbsolutePath(path, operation: "create directory")
        do {
            try Syscall.mkdir(path, 0o700)
        } catch {
            if error.code != EEXIST { throw SystemError.systemCall("create directory", path, error) }
        }
        let fd: Int32
        do {
            fd = try Syscall.open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        } catch {
            if error.code == ENOTDIR || error.code == ELOOP {
                throw SystemError(
                    .systemCall, operation: "create directory", subject: path, errno: error.code,
                    detail: "something that is not a directory is in the way",
                    hint: "move it away and run again")
            }
            throw SystemError.systemCall("open directory", path, error)
        }
        defer { try? Syscall.close(fd) }
        try Self.step("chmod", path) { () throws(Errno) in try Syscall.fchmod(fd, mode_t(mode)) }
        if let owner {
            try Self.step("chown", path) { () throws(Errno) in try Syscall.fchown(fd, owner.uid, owner.gid) }
        }
    }

    /// The `lstat(2)` status of `path`, or `nil` when it does not exist.
    public func status(_ path: String) throws -> FileStatus? {
        try status(path, followingLinks: false)
    }

    /// The `stat(2)` status of what `path` names after symbolic links, or `nil` when nothing (or a dangling link)
    /// is there; for finding programs in PATH, never for deciding what to write.
    public func statusFollowingLinks(_ path: String) throws -> FileStatus? {
        try status(path, followingLinks: true)
    }

    /// The `stat(2)` identity of what `path` names: device, inode, size, modification and status-change times.
    public func identity(_ path: String) throws -> FileIdentity? {
        try validateAbsolutePath(path, operation: "stat")
        let info: stat
        do {
            info = try Syscall.statFollowingLinks(path)
        } catch {
            if error.code == ENOENT || error.code == ENOTDIR { return .missing(path) }
            throw SystemError.systemCall("stat", path, error)
        }
        return Self.identity(path, info)
    }

    /// The identity `info` (a `stat` of `path`) gives.
    static func identity(_ path: String, _ info: stat) -> FileIdentity {
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        let changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        return FileIdentity(
            path: path, stamp: "\(info.st_dev):\(info.st_ino):\(info.st_size):\(modified):\(changed)",
            changedAt: Double(max(modified, changed)) / 1_000_000_000)
    }

    private func status(_ path: String, followingLinks: Bool) throws -> FileStatus? {
        try validateAbsolutePath(path, operation: "stat")
        let info: stat
        do {
            info = try followingLinks ? Syscall.statFollowingLinks(path) : Syscall.lstat(path)
        } catch {
            if error.code == ENOENT || error.code == ENOTDIR { return nil }
            throw SystemError.systemCall("stat", path, error)
        }
        let type: FileType
        switch info.st_mode & S_IFMT {
        case S_IFREG: type = .regular
        case S_IFDIR: type = .directory
        case S_IFLNK: type = .symbolicLink
        default: type = .other
        }
        return FileStatus(type: type, mode: UInt32(info.st_mode & 0o7777), uid: info.st_uid, gid: info.st_gid)
    }

    /// The directory part and the last component of an absolute path ("/a/b" gives "/a" and "b").
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("/", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// Opens a new hidden temporary file with a random suffix in `directory`, exclusively and without
    /// following links; retries a few times when the name is taken.
    private static func createTemporaryFile(in directory: String, for name: String) throws -> (Int32, String) {
        let prefix = directory == "/" ? "/" : directory + "/"
        var attempt = 0
        while true {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
            let temporary = "\(prefix).\(name).tmp-\(suffix)"
            do {
                let fd = try Syscall.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
                return (fd, temporary)
            } catch {
                attempt += 1
                if error.code == EEXIST && attempt < 10 { continue }
                throw SystemError.systemCall("create temporary file", temporary, error)
            }
        }
    }

    /// Opens `directory` and `fsync`s it, so that a rename inside it survives a crash.
    private static func syncDirectory(_ directory: String, after path: String) throws {
        do {
            let fd = try Syscall.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            defer { try? Syscall.close(fd) }
            try Syscall.fsync(fd)
        } catch {
            throw SystemError(
                .systemCall, operation: "fsync directory", subject: directory, errno: error.code,
                detail: "\(path) was replaced but may not survive a crash")
        }
    }

    /// Runs one system call step, turning its `Errno` into a `SystemError` naming `operation` and `subject`.
    private static func step(_ operation: String, _ subject: String, _ body: () throws(Errno) -> Void) throws {
        do {
            try body()
        } catch {
            throw SystemError.systemCall(operation, subject, error)
        }
    }
}
