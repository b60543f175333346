#if canImport(Glibc)
    import Glibc
#endif

/// Runs programs with `posix_spawn(3)`, never through a shell.
///
/// The child gets pipes for standard input, output and error, a fresh process group, default signal
/// dispositions, an empty signal mask, and no other inherited descriptors. Output is read concurrently with
/// `poll(2)`, so a program that fills both output pipes never deadlocks. On timeout the process group gets
/// `SIGTERM`, then `SIGKILL` after `terminationGracePeriod` seconds, and `run` throws `.timedOut`.
///
/// `run` returns once the child has exited and both output pipes reached end of file; a program that leaves
/// a background process holding them open therefore needs a timeout. The calling process must not ignore
/// `SIGCHLD`, or `waitpid` cannot report the exit status.
public struct PosixProcessRunner: ProcessRunning {
    /// Seconds between `SIGTERM` and `SIGKILL` when a command runs past its timeout.
    public var terminationGracePeriod: Double

    /// Creates a runner; `terminationGracePeriod` is the wait between `SIGTERM` and `SIGKILL` on timeout.
    public init(terminationGracePeriod: Double = 2) {
        self.terminationGracePeriod = terminationGracePeriod
    }

    /// Spawns `command`, feeds its input, collects its output and waits for it with `waitpid(2)`.
    public func run(_ command: Command) throws -> ProcessResult {
        try Self.validate(command)
        let started = Syscall.monotonicSeconds()
        let deadline = command.timeout.map { started + max(0, $0) }

        let sigpipe = SigpipeBlock()
        defer { sigpipe.restore() }

        var pipes = try ChildPipes(withInput: command.standardInput != nil)
        defer { pipes.closeAll() }
        let pid = try Self.spawn(command, pipes: pipes)
        pipes.closeChildEnds()

        var pump = OutputPump(pipes: &pipes, input: command.standardInput ?? [])
        defer { pump.closeAll() }
        let finishedInTime: Bool
        do {
            finishedInTime = try pump.run(until: deadline)
        } catch {
            _ = try? Syscall.kill(-pid, SIGKILL)
            _ = try? Syscall.waitpid(pid)
            throw SystemError.systemCall("read output of", command.executable, error)
        }
        if finishedInTime, let status = try Self.wait(for: pid, until: deadline, executable: command.executable) {
            return ProcessResult(
                termination: Self.termination(from: status), standardOutput: pump.standardOutput,
                standardError: pump.standardError)
        }
        let signal = terminate(pid, pump: &pump)
        throw SystemError(
            .timedOut, operation: "run", subject: command.executable,
            detail: "it did not finish within \(command.timeout ?? 0) seconds and was stopped with \(signal)",
            hint: "check why the program hangs; its arguments were: \(command.description)")
    }

    /// Checks the command before anything is spawned: absolute path, no NUL bytes, sane environment names.
    static func validate(_ command: Command) throws(SystemError) {
        guard command.executable.hasPrefix("/") else {
            throw SystemError.invalid(
                "run", command.executable,
                "the program must be given by its absolute path (for example /usr/sbin/useradd)")
        }
        let words = [command.executable] + command.arguments + command.environment.flatMap { [$0.key, $0.value] }
        if words.contains(where: { $0.utf8.contains(0) }) {
            throw SystemError.invalid("run", command.executable, "an argument or environment entry contains a NUL byte")
        }
        if command.environment.keys.contains(where: { $0.isEmpty || $0.contains("=") }) {
            throw SystemError.invalid("run", command.executable, "an environment variable name is empty or contains =")
        }
        if let timeout = command.timeout, !(timeout.isFinite && timeout >= 0) {
            throw SystemError.invalid("run", command.executable, "the timeout must be a finite number of seconds")
        }
    }

    /// Calls `posix_spawn(3)` with the pipes wired to descriptors 0, 1 and 2 and every other one closed.
    private static func spawn(_ command: Command, pipes: ChildPipes) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if pipes.inputRead >= 0 {
            posix_spawn_file_actions_adddup2(&actions, pipes.inputRead, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, pipes.outputWrite, 1)
        posix_spawn_file_actions_adddup2(&actions, pipes.errorWrite, 2)
        if let closeFrom = Self.addCloseFrom {
            _ = closeFrom(&actions, 3)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = ([command.executable] + command.arguments).map { strdup($0) }
        let envp = command.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") }
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        if argv.contains(nil) || envp.contains(nil) {
            throw SystemError(.systemCall, operation: "run", subject: command.executable, errno: ENOMEM)
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, command.executable, &actions, &attributes, argv + [nil], envp + [nil])
        if code != 0 {
            throw SystemError(
                .systemCall, operation: "run", subject: command.executable, errno: code,
                hint: code == ENOENT ? "install the program or fix its path in the configuration" : nil)
        }
        return pid
    }

    /// The C signature of `posix_spawn_file_actions_addclosefrom_np(3)`.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// `posix_spawn_file_actions_addclosefrom_np(3)` (glibc 2.34 and later), found with `dlsym(3)` because
    /// Swift's Glibc module does not see `_GNU_SOURCE` declarations; `nil` on an older glibc, where the
    /// child still loses every descriptor opened with `O_CLOEXEC`, which all of ours are.
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// Reaps `pid` with `waitpid(2)`; returns `nil` when `deadline` passes first.
    private static func wait(for pid: pid_t, until deadline: Double?, executable: String) throws -> Int32? {
        do {
            guard let deadline else { return try Syscall.waitpid(pid).status }
            // The output pipes reached end of file, so the child is almost always exiting: look again after
            // 50 microseconds, then back off to 50 ms. (A first tick of 1 ms cost about 1 ms per program run,
            // a tenth of a useradd call.)
            var tick = 0.000_05
            while true {
                let (reaped, status) = try Syscall.waitpid(pid, options: WNOHANG)
                if reaped == pid { return status }
                let now = Syscall.monotonicSeconds()
                if now >= deadline { return nil }
                Syscall.sleep(seconds: min(tick, deadline - now))
                tick = min(tick * 2, 0.05)
            }
        } catch {
            throw SystemError.systemCall("wait for", executable, error)
        }
    }

    /// Stops the process group of `pid` with `SIGTERM`, then `SIGKILL` after the grace period, and reaps it.
    ///
    /// Output arriving meanwhile is drained so the child never blocks on a full pipe. Returns the signal used.
    private func terminate(_ pid: pid_t, pump: inout OutputPump) -> String {
        _ = try? Syscall.kill(-pid, SIGTERM)
        let graceEnd = Syscall.monotonicSeconds() + terminationGracePeriod
        while Syscall.monotonicSeconds() < graceEnd {
            if let (reaped, _) = try? Syscall.waitpid(pid, options: WNOHANG), reaped == pid { return "SIGTERM" }
            let tickEnd = min(graceEnd, Syscall.monotonicSeconds() + 0.01)
            if pump.isFinished || (try? pump.run(until: tickEnd)) == nil {
                var none: [pollfd] = []
                _ = try? Syscall.poll(&none, timeoutMilliseconds: 10)
            }
        }
        _ = try? Syscall.kill(-pid, SIGKILL)
        _ = try? Syscall.waitpid(pid)
        return "SIGKILL"
    }

    /// Decodes a `waitpid` status (the `WIFEXITED`/`WEXITSTATUS`/`WTERMSIG` macros, which Swift cannot import).
    static func termination(from status: Int32) -> Termination {
        let signal = status & 0x7f
        if signal == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(signal)
    }
}
