#if canImport(Glibc)
    import Glibc
#endif

/// The three pipes between a runner and its child, all close-on-exec and above descriptor 2; -1 marks a
/// closed or handed-over end.
struct ChildPipes {
    /// The child's standard input (read end), or -1 when there is no input (the child reads /dev/null).
    var inputRead: Int32 = -1
    /// The parent's end of the child's standard input, non-blocking.
    var inputWrite: Int32 = -1
    /// The parent's end of the child's standard output, non-blocking.
    var outputRead: Int32 = -1
    /// The child's standard output (write end).
    var outputWrite: Int32 = -1
    /// The parent's end of the child's standard error, non-blocking.
    var errorRead: Int32 = -1
    /// The child's standard error (write end).
    var errorWrite: Int32 = -1

    /// Creates the pipes with `pipe(2)`; on failure nothing stays open.
    init(withInput: Bool) throws {
        do {
            (outputRead, outputWrite) = try Self.makePipe()
            (errorRead, errorWrite) = try Self.makePipe()
            if withInput { (inputRead, inputWrite) = try Self.makePipe() }
            try Syscall.setNonBlocking(outputRead)
            try Syscall.setNonBlocking(errorRead)
            if inputWrite >= 0 { try Syscall.setNonBlocking(inputWrite) }
        } catch {
            closeAll()
            throw SystemError.systemCall("create pipe for", "a child process", error)
        }
    }

    /// Closes the ends that only the child uses, once it is spawned.
    mutating func closeChildEnds() {
        Self.close(&inputRead)
        Self.close(&outputWrite)
        Self.close(&errorWrite)
    }

    /// Gives the parent's ends away (to an `OutputPump`), leaving -1 behind so they are closed only once.
    mutating func takeParentEnds() -> (input: Int32, output: Int32, error: Int32) {
        defer { (inputWrite, outputRead, errorRead) = (-1, -1, -1) }
        return (inputWrite, outputRead, errorRead)
    }

    /// Closes every end still open.
    mutating func closeAll() {
        closeChildEnds()
        Self.close(&inputWrite)
        Self.close(&outputRead)
        Self.close(&errorRead)
    }

    /// Closes `fd` when open and marks it closed.
    static func close(_ fd: inout Int32) {
        if fd >= 0 { try? Syscall.close(fd) }
        fd = -1
    }

    /// A pipe whose two ends are both above descriptor 2.
    private static func makePipe() throws(Errno) -> (Int32, Int32) {
        let (read, write) = try Syscall.pipe()
        do {
            return (try aboveStandard(read), try aboveStandard(write))
        } catch {
            try? Syscall.close(read)
            try? Syscall.close(write)
            throw error
        }
    }

    /// Moves `fd` above 2 with `fcntl(F_DUPFD_CLOEXEC)` when the parent runs with 0, 1 or 2 closed, so that
    /// wiring the child's 0, 1 and 2 can never overwrite another pipe end.
    private static func aboveStandard(_ fd: Int32) throws(Errno) -> Int32 {
        if fd > 2 { return fd }
        let moved = try Syscall.retrying { fcntl(fd, F_DUPFD_CLOEXEC, 3) }
        try? Syscall.close(fd)
        return moved
    }
}
