#if canImport(Glibc)
    import Glibc
#endif

/// Feeds a child's standard input and collects its standard output and error, all at once with `poll(2)`.
///
/// Owns the parent's pipe ends and closes each one when it is done with it.
struct OutputPump {
    /// Everything read from standard output so far.
    private(set) var standardOutput: [UInt8] = []
    /// Everything read from standard error so far.
    private(set) var standardError: [UInt8] = []
    private var input: [UInt8]
    private var inputOffset = 0
    private var inputFD: Int32
    private var outputFD: Int32
    private var errorFD: Int32
    private var buffer = [UInt8](repeating: 0, count: 65_536)

    /// Takes over the parent's ends of `pipes`; `input` is written to the child's standard input.
    init(pipes: inout ChildPipes, input: [UInt8]) {
        (inputFD, outputFD, errorFD) = pipes.takeParentEnds()
        self.input = input
        if input.isEmpty { ChildPipes.close(&inputFD) }
    }

    /// Whether every pipe is closed: input fully written (or refused) and both outputs at end of file.
    var isFinished: Bool { inputFD < 0 && outputFD < 0 && errorFD < 0 }

    /// Pumps until every pipe is done (returns true) or the monotonic `deadline` passes (returns false).
    mutating func run(until deadline: Double?) throws(Errno) -> Bool {
        while !isFinished {
            var timeout: Int32 = -1
            if let deadline {
                let remaining = deadline - Syscall.monotonicSeconds()
                if remaining <= 0 { return false }
                timeout = Int32(min(remaining * 1000 + 1, 60_000))
            }
            var fds: [pollfd] = []
            if inputFD >= 0 { fds.append(pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0)) }
            if outputFD >= 0 { fds.append(pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)) }
            if errorFD >= 0 { fds.append(pollfd(fd: errorFD, events: Int16(POLLIN), revents: 0)) }
            if try Syscall.poll(&fds, timeoutMilliseconds: timeout) == 0 { continue }
            for entry in fds where entry.revents != 0 {
                if entry.fd == inputFD {
                    try feedInput(revents: entry.revents)
                } else if entry.fd == outputFD {
                    if let chunk = try readChunk(outputFD) {
                        standardOutput += chunk
                    } else {
                        ChildPipes.close(&outputFD)
                    }
                } else if entry.fd == errorFD {
                    if let chunk = try readChunk(errorFD) {
                        standardError += chunk
                    } else {
                        ChildPipes.close(&errorFD)
                    }
                }
            }
        }
        return true
    }

    /// Closes whatever is still open.
    mutating func closeAll() {
        ChildPipes.close(&inputFD)
        ChildPipes.close(&outputFD)
        ChildPipes.close(&errorFD)
    }

    /// Writes the next chunk of input; a child that closed its input (`EPIPE`) simply gets no more.
    private mutating func feedInput(revents: Int16) throws(Errno) {
        if revents & Int16(POLLOUT) == 0 {
            ChildPipes.close(&inputFD)
            return
        }
        let offset = inputOffset
        let fd = inputFD
        let outcome = input.withUnsafeBytes { bytes in
            Result { () throws(Errno) -> Int in
                try Syscall.write(fd, from: UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            }
        }
        do {
            inputOffset += try outcome.get()
        } catch {
            if error.code == EAGAIN { return }
            guard error.code == EPIPE else { throw error }
            inputOffset = input.count
        }
        if inputOffset >= input.count { ChildPipes.close(&inputFD) }
    }

    /// Reads what is available from `fd`: `nil` at end of file, empty when nothing is there yet.
    private mutating func readChunk(_ fd: Int32) throws(Errno) -> ArraySlice<UInt8>? {
        let outcome = buffer.withUnsafeMutableBytes { bytes in
            Result { () throws(Errno) -> Int in try Syscall.read(fd, into: bytes) }
        }
        do {
            let count = try outcome.get()
            return count == 0 ? nil : buffer[0..<count]
        } catch {
            if error.code == EAGAIN { return [] }
            throw error
        }
    }
}
