import Synchronization
import Testing

@testable import EC2SSHSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The public wrappers of `Syscall`: `writeAll`, the one loop that writes the tools' output (short writes, EINTR, a
/// gone reader, a closed fd), `hostName` and `effectiveUserID`.
@Suite struct SyscallTests {
    /// A scripted `write(2)`: each step either accepts up to that many bytes or fails with that errno.
    final class ScriptedWrite {
        enum Step {
            case accept(Int)
            case fail(Int32)
        }
        var steps: [Step]
        var received: [UInt8] = []
        var calls = 0

        init(_ steps: [Step]) { self.steps = steps }

        func write(_ buffer: UnsafeRawBufferPointer) -> Int {
            calls += 1
            guard !steps.isEmpty else {
                received += buffer
                return buffer.count
            }
            switch steps.removeFirst() {
            case .accept(let limit):
                let count = min(limit, buffer.count)
                received += buffer.prefix(count)
                return count
            case .fail(let code):
                errno = code
                return -1
            }
        }
    }

    @Test func shortWritesContinueWithTheRest() throws {
        let bytes = Array("ssh-ed25519 AAAA first\nssh-ed25519 BBBB second\n".utf8)
        let scripted = ScriptedWrite([.accept(1), .accept(7), .accept(3)])
        try Syscall.writeAll(bytes, with: scripted.write)
        #expect(scripted.received == bytes)
        #expect(scripted.calls == 4)
    }

    @Test func eintrIsRetriedWithoutLosingOrRepeatingBytes() throws {
        let bytes = Array("0123456789".utf8)
        let scripted = ScriptedWrite([.fail(EINTR), .accept(4), .fail(EINTR), .fail(EINTR)])
        try Syscall.writeAll(bytes, with: scripted.write)
        #expect(scripted.received == bytes)
        #expect(scripted.calls == 5)
    }

    @Test(arguments: [EPIPE, EBADF, EIO, ENOSPC])
    func otherErrorsStopTheWriteAndThrowTheirErrno(code: Int32) {
        let scripted = ScriptedWrite([.accept(2), .fail(code)])
        #expect(throws: Errno(code: code)) { try Syscall.writeAll(Array("abcdef".utf8), with: scripted.write) }
        #expect(scripted.received == Array("ab".utf8))
        #expect(scripted.calls == 2)
    }

    @Test func aWriteOfNothingCountsAsAnErrorInsteadOfSpinning() {
        let scripted = ScriptedWrite([.accept(0)])
        #expect(throws: Errno(code: EIO)) { try Syscall.writeAll(Array("abc".utf8), with: scripted.write) }
        #expect(scripted.calls == 1)
    }

    @Test func nothingToWriteCallsNothing() throws {
        let scripted = ScriptedWrite([.fail(EBADF)])
        try Syscall.writeAll([], with: scripted.write)
        #expect(scripted.calls == 0)
    }

    @Test func everyByteReachesAPipeReadConcurrently() throws {
        let (readEnd, writeEnd) = try Syscall.pipe()
        defer { try? Syscall.close(readEnd) }
        // More than a pipe's 64 KiB buffer: the writer blocks until the reader drains it.
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let reader = WorkerThreads.Background { () -> [UInt8] in
            var collected: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 8192)
            while true {
                let count = chunk.withUnsafeMutableBytes { (try? Syscall.read(readEnd, into: $0)) ?? 0 }
                if count == 0 { return collected }
                collected += chunk.prefix(count)
            }
        }
        try Syscall.writeAll(writeEnd, bytes)
        try Syscall.close(writeEnd)
        #expect(reader.join() == bytes)
    }

    @Test func aPipeWhoseReaderIsGoneFailsWithEPIPE() throws {
        let (readEnd, writeEnd) = try Syscall.pipe()
        defer { try? Syscall.close(writeEnd) }
        try Syscall.close(readEnd)
        let block = SigpipeBlock()
        defer { block.restore() }
        #expect(throws: Errno(code: EPIPE)) { try Syscall.writeAll(writeEnd, Array("keys\n".utf8)) }
    }

    @Test func aClosedDescriptorFailsWithEBADF() throws {
        let (readEnd, writeEnd) = try Syscall.pipe()
        try Syscall.close(readEnd)
        try Syscall.close(writeEnd)
        #expect(throws: Errno(code: EBADF)) { try Syscall.writeAll(writeEnd, Array("keys\n".utf8)) }
    }

    @Test func theHostNameIsGethostnames() {
        var buffer = [CChar](repeating: 0, count: 256)
        #expect(gethostname(&buffer, 255) == 0)
        let expected = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #expect(Syscall.hostName() == expected)
        #expect(!Syscall.hostName().isEmpty)
    }

    @Test func theEffectiveUserIDIsGeteuids() {
        #expect(Syscall.effectiveUserID() == geteuid())
        #expect(Syscall.standardOutput == 1)
    }
}
