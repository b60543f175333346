#if canImport(Glibc)
    import Glibc
#endif

/// An `errno` value returned by one of the thin system call wrappers below.
struct Errno: Error, Equatable {
    /// The raw `errno` value.
    var code: Int32

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
enum Syscall {
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

    /// Calls `write(2)` until every byte of `bytes` is written.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(Errno) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Result { () throws(Errno) -> Int in
                    try write(fd, from: UnsafeRawBufferPointer(rebasing: buffer[offset...]))
                }
            }
            offset += try written.get()
        }
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

    /// Calls `lstat(2)`.
    static func lstat(_ path: String) throws(Errno) -> stat {
        var result = stat()
        _ = try retrying { Glibc.lstat(path, &result) }
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
