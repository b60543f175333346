import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive, non-blocking `flock(2)` lock on a file, so that two runs never interleave.
///
/// The kernel releases the lock when the descriptor closes: on `release()`, when the value is deallocated,
/// and when the process dies, so a crashed run never leaves a stale lock behind.
public final class FileLock: Sendable {
    /// The path of the lock file.
    public let path: String
    private let descriptor: Mutex<Int32?>

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    /// Opens (creating with mode 0600 when needed) the file at `path` and takes an exclusive lock on it.
    ///
    /// Uses `open(O_CREAT | O_NOFOLLOW | O_CLOEXEC)` and `flock(LOCK_EX | LOCK_NB)`; never waits.
    /// Throws `SystemError` of kind `.lockHeld` when another process (or another open of the same file)
    /// holds the lock, and of kind `.systemCall` when the file cannot be opened or locked.
    public static func acquire(path: String) throws -> FileLock {
        try validateAbsolutePath(path, operation: "lock")
        let fd: Int32
        do {
            fd = try Syscall.open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        } catch {
            throw SystemError.systemCall("open lock file", path, error)
        }
        do {
            try Syscall.flock(fd, LOCK_EX | LOCK_NB)
        } catch {
            try? Syscall.close(fd)
            if error.code == EWOULDBLOCK {
                throw SystemError(
                    .lockHeld, operation: "lock", subject: path, errno: error.code,
                    detail: "another run is in progress",
                    hint: "wait for it to finish; the lock is released when that process exits")
            }
            throw SystemError.systemCall("lock", path, error)
        }
        return FileLock(path: path, descriptor: fd)
    }

    /// Whether this value still holds the lock (`release()` was not called).
    public var isHeld: Bool {
        descriptor.withLock { $0 != nil }
    }

    /// Releases the lock with `flock(LOCK_UN)` and closes the descriptor; calling it again does nothing.
    ///
    /// Unlocking before closing matters: a child being spawned by another thread may briefly share the
    /// descriptor, and closing alone would keep the lock until that child calls `exec`.
    public func release() {
        let fd = descriptor.withLock { current -> Int32? in
            defer { current = nil }
            return current
        }
        if let fd {
            try? Syscall.flock(fd, LOCK_UN)
            try? Syscall.close(fd)
        }
    }

    deinit {
        release()
    }
}
