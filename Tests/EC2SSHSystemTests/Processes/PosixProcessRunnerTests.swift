import TestSupport
import Testing

@testable import EC2SSHSystem

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct PosixProcessRunnerTests {
    let runner = PosixProcessRunner(terminationGracePeriod: 0.3)

    static let hostileArguments = [
        "two words", "'single'", "\"double\"", "a;b", "$(id)", "`id`", "line1\nline2", "*", "", "--flag", "\\", "é ü",
    ]

    @Test(arguments: hostileArguments)
    func argumentsArriveLiterally(argument: String) throws {
        let result = try runner.run(Command("/usr/bin/printf", ["[%s]", argument]))
        #expect(result.succeeded)
        #expect(result.standardOutputText == "[\(argument)]")
        #expect(result.standardError.isEmpty)
    }

    @Test func manyArgumentsKeepTheirOrder() throws {
        let result = try runner.run(Command("/usr/bin/printf", ["%s\n"] + Self.hostileArguments))
        #expect(result.standardOutputText == Self.hostileArguments.map { $0 + "\n" }.joined())
    }

    @Test(arguments: [(Int32(0), "exit 0"), (1, "exit 1"), (3, "exit 3"), (255, "exit 255")])
    func exitStatusesAreReported(status: Int32, script: String) throws {
        let result = try runner.run(Command("/bin/sh", ["-c", script]))
        #expect(result.termination == .exited(status))
        #expect(result.succeeded == (status == 0))
    }

    @Test(arguments: [SIGTERM, SIGKILL, SIGSEGV])
    func signalDeathIsReported(signal: Int32) throws {
        let result = try runner.run(Command("/bin/sh", ["-c", "kill -\(signal) $$"]))
        #expect(result.termination == .signaled(signal))
        #expect(!result.succeeded)
    }

    @Test func standardInputIsFed() throws {
        let input = Array("ssh-ed25519 AAAA user@host\nsecond line\n".utf8)
        let result = try runner.run(Command("/bin/cat", standardInput: input))
        #expect(result.standardOutput == input)
    }

    @Test func withoutInputTheChildReadsEndOfFile() throws {
        let result = try runner.run(Command("/bin/cat"))
        #expect(result.succeeded)
        #expect(result.standardOutput.isEmpty)
    }

    @Test func aChildThatIgnoresItsInputDoesNotHurtUs() throws {
        let input = [UInt8](repeating: 65, count: 4 << 20)
        let result = try runner.run(Command("/bin/true", standardInput: input))
        #expect(result.succeeded)
    }

    @Test func largeInputAndOutputFlowAtOnce() throws {
        let input = (0..<(5 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let result = try runner.run(Command("/bin/cat", standardInput: input))
        #expect(result.standardOutput.count == input.count)
        #expect(result.standardOutput == input)
    }

    @Test func fiveMegabytesOnStandardOutputAndErrorAtOnceDoNotDeadlock() throws {
        let size = 5 << 20
        let script = "head -c \(size) /dev/zero >&2 & head -c \(size) /dev/zero | tr '\\0' o; wait"
        let result = try runner.run(Command("/bin/sh", ["-c", script], timeout: 60))
        #expect(result.succeeded)
        #expect(result.standardOutput.count == size)
        #expect(result.standardError.count == size)
        #expect(result.standardOutput.allSatisfy { $0 == UInt8(ascii: "o") })
    }

    @Test func timeoutStopsTheProgramWithinTheBound() throws {
        let started = Syscall.monotonicSeconds()
        let error = systemError { _ = try runner.run(Command("/bin/sleep", ["30"], timeout: 0.5)) }
        let elapsed = Syscall.monotonicSeconds() - started
        #expect(error?.kind == .timedOut)
        #expect(error?.subject == "/bin/sleep")
        #expect(error?.detail?.contains("SIGTERM") == true)
        #expect(elapsed >= 0.5)
        #expect(elapsed < 5)
    }

    @Test func aProgramIgnoringSIGTERMIsKilled() throws {
        let dir = try TemporaryDirectory()
        let marker = dir.child("trapped")
        // The shell announces the trap through a file; it and its sleep child share the killed group.
        let script = "trap '' TERM; : > \"$1\"; /bin/sleep 30; /bin/sleep 30"
        let started = Syscall.monotonicSeconds()
        let error = systemError { _ = try runner.run(Command("/bin/sh", ["-c", script, "sh", marker], timeout: 0.5)) }
        let elapsed = Syscall.monotonicSeconds() - started
        #expect(error?.kind == .timedOut)
        #expect(error?.detail?.contains("SIGKILL") == true)
        #expect(elapsed < 5)
        #expect(try PosixFileSystem().status(marker) != nil)
    }

    @Test func relativeProgramIsRejectedBeforeSpawning() throws {
        let dir = try TemporaryDirectory()
        let marker = dir.child("created")
        for executable in ["usr/bin/touch", "touch", "./touch", ""] {
            let error = systemError { _ = try runner.run(Command(executable, [marker])) }
            #expect(error?.kind == .invalidArgument)
        }
        #expect(try PosixFileSystem().status(marker) == nil)
    }

    @Test func missingProgramIsASystemCallError() {
        let error = systemError { _ = try runner.run(Command("/nonexistent/useradd")) }
        #expect(error?.kind == .systemCall)
        #expect(error?.errno == ENOENT)
        #expect(error?.hint?.contains("install") == true)
    }

    @Test(arguments: [
        Command("/bin/echo", ["a\0b"]),
        Command("/bin/echo", environment: ["A=B": "c"]),
        Command("/bin/echo", environment: ["": "c"]),
        Command("/bin/echo", environment: ["A": "c\0"]),
        Command("/bin/echo", timeout: -1),
        Command("/bin/echo", timeout: .infinity),
    ])
    func unusableCommandsAreRejected(command: Command) {
        #expect(systemError { _ = try runner.run(command) }?.kind == .invalidArgument)
    }

    @Test func theEnvironmentIsExactlyTheGivenOne() throws {
        let minimal = try runner.run(Command("/usr/bin/env"))
        #expect(minimal.standardOutputText == "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n")
        let custom = try runner.run(Command("/usr/bin/env", environment: ["B": "2", "A": "1 2"]))
        #expect(custom.standardOutputText == "A=1 2\nB=2\n")
    }

    @Test func descriptorsWithoutCloseOnExecAreNotInherited() throws {
        let leaked = open("/dev/null", O_RDONLY)
        #expect(leaked > 2)
        defer { close(leaked) }
        let result = try runner.run(Command("/usr/bin/readlink", ["/proc/self/fd/\(leaked)"]))
        #expect(result.termination == .exited(1))
        #expect(result.standardOutput.isEmpty)
    }

    @Test func theChildRunsInItsOwnProcessGroup() throws {
        // Field 5 of /proc/PID/stat is the process group; the shell's name has no spaces.
        let result = try runner.run(Command("/bin/sh", ["-c", "echo $$; cut -d ' ' -f 5 /proc/$$/stat"]))
        let fields = result.standardOutputText.split(separator: "\n")
        #expect(fields.count == 2)
        #expect(fields.first == fields.last)
        #expect(fields.first != String(getpgrp()).split(separator: "\n").first)
    }

    @Test(arguments: [
        (Int32(0), Termination.exited(0)), (1 << 8, .exited(1)), (255 << 8, .exited(255)), (9, .signaled(9)),
        (15, .signaled(15)), (11 | 0x80, .signaled(11)),
    ])
    func waitStatusesDecode(status: Int32, expected: Termination) {
        #expect(PosixProcessRunner.termination(from: status) == expected)
    }

    @Test(arguments: [
        (Command("/usr/sbin/useradd", ["--create-home", "alice"]), "/usr/sbin/useradd --create-home alice"),
        (Command("/bin/echo", ["two words", "it's", ""]), "/bin/echo 'two words' 'it'\\''s' ''"),
        (Command("/bin/echo", ["$(id)", "a;b"]), "/bin/echo '$(id)' 'a;b'"),
    ])
    func commandDescriptionQuotesForDisplay(command: Command, expected: String) {
        #expect(command.description == expected)
    }
}
