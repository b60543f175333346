#if canImport(Glibc)
    import Glibc
#endif

/// glibc's `lckpwdf(3)` (shadow.h is not part of Swift's Glibc module).
@_silgen_name("lckpwdf") private func lckpwdf() -> Int32
/// glibc's `ulckpwdf(3)`.
@_silgen_name("ulckpwdf") private func ulckpwdf() -> Int32

/// Writes the local account files and creates home directories the way shadow-utils does, for a batch of accounts.
public protocol AccountFilesAccess: Sendable {
    /// Runs `body` holding `lckpwdf(3)` and shadow-utils' `PATH.lock` file of each of `paths`.
    func withLocks<T>(_ paths: [String], _ body: () throws -> T) throws -> T
    /// The text of `path`, or `nil` when it does not exist.
    func read(_ path: String) throws -> String?
    /// Replaces `path` with `text` atomically, keeping its owner and mode, after copying it to `path-`.
    func replace(_ path: String, with text: String) throws
    /// Creates the home `path` (refusing one that exists) owned by `uid`:`gid` with `mode`, holding a copy of `skel`.
    func createHome(_ path: String, from skel: String, uid: UInt32, gid: UInt32, mode: UInt32) throws
    /// Whether `path` exists (without following a final symlink).
    func exists(_ path: String) -> Bool
    /// Writes `length` zero bytes at each of `offsets` of the regular file `path` that the file extends past, when
    /// it exists (useradd's reset of a new UID's lastlog and faillog records, which never grows those files);
    /// returns how many records it wrote.
    func clearRecords(_ path: String, offsets: [UInt64], length: Int) throws -> Int
}

/// The real files, under shadow-utils' locking protocol.
///
/// shadow-utils (`commonio_lock`) links a file `PATH.PID` holding the locker's PID to `PATH.lock`; a lock whose PID
/// is no longer alive is removed and taken. `lckpwdf(3)` is taken first, as `useradd` does.
public struct AccountFilesStore: AccountFilesAccess {
    /// The size of one record of /var/log/lastlog (glibc's `struct lastlog`: 292 bytes on x86_64).
    public static let lastlogRecordSize = MemoryLayout<lastlog>.size
    /// The size of one record of /var/log/faillog (shadow-utils' `struct faillog`: two shorts, 12 characters, a
    /// `time_t` and a `long`: 32 bytes on 64-bit Linux).
    public static let faillogRecordSize = 16 + MemoryLayout<time_t>.size + MemoryLayout<Int>.size

    /// Creates the store.
    public init() {}

    /// Takes `lckpwdf(3)` and the `.lock` files, runs `body`, releases them in reverse order.
    public func withLocks<T>(_ paths: [String], _ body: () throws -> T) throws -> T {
        guard lckpwdf() == 0 else {
            throw SystemError.systemCall(
                "lckpwdf", "/etc/.pwd.lock", Errno.current, hint: "another program is changing the account files")
        }
        defer { _ = ulckpwdf() }
        var taken: [String] = []
        defer { for path in taken.reversed() { unlink(path + ".lock") } }
        for path in paths {
            try lock(path)
            taken.append(path)
        }
        return try body()
    }

    /// Takes shadow-utils' lock of `path`: `PATH.PID` holding the PID, linked to `PATH.lock`.
    private func lock(_ path: String) throws {
        let pid = getpid()
        let temporary = "\(path).\(pid)"
        let lockPath = path + ".lock"
        unlink(temporary)
        try writeNew(temporary, Array("\(pid)".utf8), mode: 0o600)
        defer { unlink(temporary) }
        for _ in 0..<2 {
            if link(temporary, lockPath) == 0 { return }
            let code = Errno.current
            guard code.code == EEXIST else { throw SystemError.systemCall("link", lockPath, code) }
            let holder = (try? read(lockPath)).flatMap { Int32($0.trimmingPrefix(while: \.isWhitespace)) }
            if let holder, holder > 0, kill(holder, 0) == 0 || Glibc.errno == EPERM {
                throw SystemError(
                    .lockHeld, operation: "lock", subject: lockPath, detail: "held by process \(holder)",
                    hint: "another program (useradd, vipw, ...) is changing the account files; the next run retries")
            }
            unlink(lockPath)
        }
        throw SystemError(.lockHeld, operation: "lock", subject: lockPath, detail: "could not take a stale lock")
    }

    /// Reads `path` whole; refuses a file that is not valid UTF-8 (rewriting it from a decoded copy would change it).
    public func read(_ path: String) throws -> String? {
        guard let bytes = try readBytes(path) else { return nil }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SystemError(
                .malformedData, operation: "read", subject: path, detail: "not valid UTF-8",
                hint: "useradd creates the accounts instead")
        }
        return text
    }

    /// The bytes of `path`, or `nil` when it does not exist.
    private func readBytes(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = Errno.current
            if code.code == ENOENT { return nil }
            throw SystemError.systemCall("open", path, code)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, Glibc.errno == EINTR { continue }
            guard count >= 0 else { throw SystemError.systemCall("read", path, Errno.current) }
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }

    /// Writes `path-` then `path` through a temporary file in the same directory, fsync and rename.
    public func replace(_ path: String, with text: String) throws {
        var status = stat()
        guard stat(path, &status) == 0 else { throw SystemError.systemCall("stat", path, Errno.current) }
        if let old = try readBytes(path) {
            try writeAtomically(path + "-", old, like: status)
        }
        try writeAtomically(path, Array(text.utf8), like: status)
    }

    /// Replaces `path` through `path+` with the owner and mode of `status`.
    private func writeAtomically(_ path: String, _ content: [UInt8], like status: stat) throws {
        let temporary = path + "+"
        unlink(temporary)
        try writeNew(temporary, content, mode: status.st_mode & 0o7777, owner: (status.st_uid, status.st_gid))
        guard rename(temporary, path) == 0 else {
            let code = Errno.current
            unlink(temporary)
            throw SystemError.systemCall("rename", path, code)
        }
    }

    /// Creates `path` exclusively with `text`, `mode` and `owner`, fsynced.
    private func writeNew(_ path: String, _ content: [UInt8], mode: mode_t, owner: (uid_t, gid_t)? = nil) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode_t(0o600))
        guard fd >= 0 else { throw SystemError.systemCall("create", path, Errno.current) }
        defer { close(fd) }
        var bytes = content[...]
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if count < 0, Glibc.errno == EINTR { continue }
            guard count > 0 else { throw SystemError.systemCall("write", path, Errno.current) }
            bytes = bytes.dropFirst(count)
        }
        if let owner, fchown(fd, owner.0, owner.1) != 0 { throw SystemError.systemCall("chown", path, Errno.current) }
        guard fchmod(fd, mode) == 0 else { throw SystemError.systemCall("chmod", path, Errno.current) }
        guard fsync(fd) == 0 else { throw SystemError.systemCall("fsync", path, Errno.current) }
    }

    /// Creates the home and copies `skel` into it (files, directories, symlinks; modes and times kept).
    public func createHome(_ path: String, from skel: String, uid: UInt32, gid: UInt32, mode: UInt32) throws {
        guard mkdir(path, 0o700) == 0 else { throw SystemError.systemCall("mkdir", path, Errno.current) }
        try copyTree(from: skel, to: path, uid: uid, gid: gid)
        guard chown(path, uid, gid) == 0 else { throw SystemError.systemCall("chown", path, Errno.current) }
        guard chmod(path, mode_t(mode)) == 0 else { throw SystemError.systemCall("chmod", path, Errno.current) }
    }

    /// Writes `length` zeros at each of `offsets` that the regular file `path` extends past, then `fsync`s it once.
    public func clearRecords(_ path: String, offsets: [UInt64], length: Int) throws -> Int {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else {
            if Errno.current.code == ENOENT { return 0 }
            throw SystemError.systemCall("open", path, Errno.current)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SystemError.systemCall("fstat", path, Errno.current) }
        guard status.st_mode & S_IFMT == S_IFREG else { return 0 }
        let zeros = [UInt8](repeating: 0, count: length)
        var cleared = 0
        for offset in offsets where UInt64(status.st_size) > offset {
            let written = zeros.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, length, off_t(offset)) }
            guard written == length else { throw SystemError.systemCall("pwrite", path, Errno.current) }
            cleared += 1
        }
        if cleared > 0, fsync(descriptor) != 0 { throw SystemError.systemCall("fsync", path, Errno.current) }
        return cleared
    }

    /// Whether `path` exists, without following a final symlink.
    public func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// Copies the entries of `source` into `target` recursively, owned by `uid`:`gid`, modes and times kept.
    private func copyTree(from source: String, to target: String, uid: UInt32, gid: UInt32) throws {
        guard let directory = opendir(source) else {
            if Glibc.errno == ENOENT { return }
            throw SystemError.systemCall("opendir", source, Errno.current)
        }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            let from = source + "/" + name
            let to = target + "/" + name
            var status = stat()
            guard lstat(from, &status) == 0 else { throw SystemError.systemCall("lstat", from, Errno.current) }
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                guard mkdir(to, 0o700) == 0 else { throw SystemError.systemCall("mkdir", to, Errno.current) }
                try copyTree(from: from, to: to, uid: uid, gid: gid)
            case S_IFLNK:
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let length = readlink(from, &buffer, buffer.count - 1)
                guard length >= 0 else { throw SystemError.systemCall("readlink", from, Errno.current) }
                let destination = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                guard symlink(destination, to) == 0 else { throw SystemError.systemCall("symlink", to, Errno.current) }
            case S_IFREG:
                guard let bytes = try readBytes(from) else { continue }
                try writeNew(to, bytes, mode: 0o600)
            default:
                continue
            }
            guard lchown(to, uid, gid) == 0 else { throw SystemError.systemCall("chown", to, Errno.current) }
            if status.st_mode & S_IFMT != S_IFLNK, chmod(to, status.st_mode & 0o7777) != 0 {
                throw SystemError.systemCall("chmod", to, Errno.current)
            }
            let times = [status.st_atim, status.st_mtim]
            guard utimensat(AT_FDCWD, to, times, AT_SYMLINK_NOFOLLOW) == 0 else {
                throw SystemError.systemCall("utimensat", to, Errno.current)
            }
        }
    }
}
