#if canImport(Glibc)
    import Glibc
#endif

/// An `errno` value returned by one of the thin system call wrappers below.
public struct Errno: Error, Equatable, Sendable {
    /// The raw `errno` value.
    public var code: Int32

    /// The current thread's `errno`.
    static var current: Errno { Errno(code: Glibc.errno) }

    /// A generic hint for the common permission and space failures; a permission hint names the user this runs
    /// as, since the key command runs as its own system user, not as root.
    var hint: String? {
        switch code {
        case EACCES, EPERM:
            let user = geteuid() == 0 ? "root" : "uid \(geteuid())"
            return "check the owner and permissions of the path and its parents: this program runs as \(user)"
        case ENOSPC, EDQUOT: return "free some disk space"
        case EROFS: return "the filesystem is read-only"
        default: return nil
        }
    }
}

/// Thin typed wrappers, one per C call: each retries on `EINTR` and throws `Errno` on failure.
///
/// Only `writeAll(_:_:)` and `hostName()` are public: the executables write their output and name the host with
/// them; everything else stays behind the types of this module.
public enum Syscall {
    /// Runs `body` until it returns something other than -1 with `EINTR`; -1 with another errno throws.
    @inline(__always)
    static func retrying<T: FixedWidthInteger>(_ body: () -> T) throws(Errno) -> T {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = Glibc.errno
            if code != EINTR { throw Errno(code: code) }
        }
    }

    /// Calls `open(2)`.
    static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) throws(Errno) -> Int32 {
        try retrying { Glibc.open(path, flags, mode) }
    }

    /// Calls `close(2)`; it is never retried, since on Linux the descriptor is gone even after `EINTR`.
    static func close(_ fd: Int32) throws(Errno) {
        if Glibc.close(fd) == -1 && Glibc.errno != EINTR { throw Errno.current }
    }

    /// Calls `read(2)` into `buffer`, returning the number of bytes read (0 at end of file).
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try retrying { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// Calls `write(2)` once, returning the number of bytes written.
    static func write(_ fd: Int32, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        try retrying { Glibc.write(fd, buffer.baseAddress, buffer.count) }
    }

    /// Calls `write(2)` until every byte of `bytes` is written to `fd`.
    ///
    /// A short write continues with the rest and `EINTR` is retried; any other failure throws, for example `EPIPE` when the reader has gone (with `SIGPIPE`
    /// ignored or blocked) or `EBADF` for a closed descriptor. Bytes written before the failure stay written.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(Errno) {
        try writeAll(bytes) { buffer in Glibc.write(fd, buffer.baseAddress, buffer.count) }
    }

    /// The loop of `writeAll(_:_:)` over `write`, which behaves like `write(2)` on the rest of `bytes`.
    ///
    /// Tests pass a `write` that writes short or fails with `EINTR`. A write of nothing counts as `EIO`, so the loop cannot spin.
    static func writeAll(_ bytes: [UInt8], with write: (UnsafeRawBufferPointer) -> Int) throws(Errno) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in write(UnsafeRawBufferPointer(rebasing: buffer[offset...])) }
            if written > 0 {
                offset += written
                continue
            }
            if written == 0 { throw Errno(code: EIO) }
            let code = Glibc.errno
            if code != EINTR { throw Errno(code: code) }
        }
    }

    /// Standard output, the descriptor the tools print their answer on.
    public static let standardOutput: Int32 = STDOUT_FILENO

    /// The effective user id of this process, by `geteuid(2)`.
    public static func effectiveUserID() -> UInt32 {
        geteuid()
    }

    /// This host's name by `gethostname(2)`, or "unknown-host" when it cannot be read.
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown-host" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Calls `fchmod(2)`.
    static func fchmod(_ fd: Int32, _ mode: mode_t) throws(Errno) {
        _ = try retrying { Glibc.fchmod(fd, mode) }
    }

    /// Calls `fchown(2)`.
    static func fchown(_ fd: Int32, _ uid: uid_t, _ gid: gid_t) throws(Errno) {
        _ = try retrying { Glibc.fchown(fd, uid, gid) }
    }

    /// Calls `fsync(2)`.
    static func fsync(_ fd: Int32) throws(Errno) {
        _ = try retrying { Glibc.fsync(fd) }
    }

    /// Calls `fstat(2)`.
    static func fstat(_ fd: Int32) throws(Errno) -> stat {
        var result = stat()
        _ = try retrying { Glibc.fstat(fd, &result) }
        return result
    }

    /// Calls `mmap(2)` for a private, read-only mapping of the first `size` bytes of `fd` (`size` above 0).
    static func mapReadOnly(_ fd: Int32, size: Int) throws(Errno) -> UnsafeRawPointer {
        guard let address = Glibc.mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
            address != UnsafeMutableRawPointer(bitPattern: -1)
        else { throw Errno.current }
        return UnsafeRawPointer(address)
    }

    /// Calls `munmap(2)` on a mapping made by `mapReadOnly`.
    static func unmap(_ address: UnsafeRawPointer, size: Int) {
        _ = Glibc.munmap(UnsafeMutableRawPointer(mutating: address), size)
    }

    /// Calls `lstat(2)`.
    static func lstat(_ path: String) throws(Errno) -> stat {
        var result = stat()
        _ = try retrying { Glibc.lstat(path, &result) }
        return result
    }

    /// Calls `fstatat(2)` relative to the working directory, following symbolic links (what `stat(2)` does).
    static func statFollowingLinks(_ path: String) throws(Errno) -> stat {
        var result = stat()
        _ = try retrying { fstatat(AT_FDCWD, path, &result, 0) }
        return result
    }

    /// Calls `rename(2)`.
    static func rename(_ from: String, _ to: String) throws(Errno) {
        _ = try retrying { Glibc.rename(from, to) }
    }

    /// Calls `unlink(2)`.
    static func unlink(_ path: String) throws(Errno) {
        _ = try retrying { Glibc.unlink(path) }
    }

    /// Calls `mkdir(2)`.
    static func mkdir(_ path: String, _ mode: mode_t) throws(Errno) {
        _ = try retrying { Glibc.mkdir(path, mode) }
    }

    /// Calls `flock(2)`.
    static func flock(_ fd: Int32, _ operation: Int32) throws(Errno) {
        let call: (Int32, Int32) -> Int32 = Glibc.flock(_:_:)
        _ = try retrying { call(fd, operation) }
    }

    /// Calls `kill(2)`.
    static func kill(_ pid: pid_t, _ signal: Int32) throws(Errno) {
        _ = try retrying { Glibc.kill(pid, signal) }
    }

    /// Calls `waitpid(2)`, returning the child's pid (0 with `WNOHANG` when it has not exited) and its status.
    static func waitpid(_ pid: pid_t, options: Int32 = 0) throws(Errno) -> (pid: pid_t, status: Int32) {
        var status: Int32 = 0
        let result = try retrying { Glibc.waitpid(pid, &status, options) }
        return (result, status)
    }

    /// Calls `pipe(2)` and sets `FD_CLOEXEC` on both ends, returning the read and the write end.
    ///
    /// Children spawned by `PosixProcessRunner` also close every inherited descriptor above 2.
    static func pipe() throws(Errno) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        _ = try retrying { Glibc.pipe(&fds) }
        for fd in fds {
            _ = try retrying { Glibc.fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        return (fds[0], fds[1])
    }

    /// Calls `fcntl(2)` with `F_SETFL` to add `O_NONBLOCK`.
    static func setNonBlocking(_ fd: Int32) throws(Errno) {
        let flags = try retrying { Glibc.fcntl(fd, F_GETFL) }
        _ = try retrying { Glibc.fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    /// Calls `poll(2)`; returns 0 when `timeoutMilliseconds` ran out, and 0 too when interrupted by a signal.
    static func poll(_ fds: inout [pollfd], timeoutMilliseconds: Int32) throws(Errno) -> Int32 {
        let result = fds.withUnsafeMutableBufferPointer {
            Glibc.poll($0.baseAddress, nfds_t($0.count), timeoutMilliseconds)
        }
        if result == -1 {
            let code = Glibc.errno
            if code == EINTR { return 0 }
            throw Errno(code: code)
        }
        return result
    }

    /// Sleeps for `seconds` with `nanosleep(2)`; a signal may end the sleep early (callers loop on a deadline).
    static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        let whole = seconds.rounded(.down)
        var request = timespec(tv_sec: Int(whole), tv_nsec: Int((seconds - whole) * 1_000_000_000))
        _ = nanosleep(&request, nil)
    }

    /// Reads `CLOCK_MONOTONIC` with `clock_gettime(2)`, in seconds.
    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
    }
}

/// Checks that `path` is absolute and free of NUL bytes, the precondition of every path-taking call here.
func validateAbsolutePath(_ path: String, operation: String) throws(SystemError) {
    guard path.hasPrefix("/") else {
        throw SystemError.invalid(operation, path, "the path must be absolute (start with /)")
    }
    guard !path.utf8.contains(0) else {
        throw SystemError.invalid(operation, path, "the path contains a NUL byte")
    }
}
