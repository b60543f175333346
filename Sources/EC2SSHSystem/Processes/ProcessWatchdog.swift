#if canImport(Glibc)
    import Glibc
#endif

/// The last resort of a process with a hard deadline: the one place that arms, re-arms and disarms it.
///
/// Two guards, both set by the caller in seconds from now:
/// - an answering thread (`answer(after:exitStatus:_:)`) that wakes shortly before the deadline, lets the caller
///   write what it still can and ends the process with `_exit(2)`; it reaches a process stuck where no time limit
///   does (a resolver that never answers, a hanging NSS lookup);
/// - `SIGALRM` at the deadline itself (`armBackstop(after:)`), the kernel's backstop should that thread be unable to
///   run: its default action ends the process, printing nothing.
///
/// The alarm belongs to the whole process, so this is a namespace, not a value; nothing else may call `alarm(2)` or
/// `setitimer(2)`.
public enum ProcessWatchdog {
    /// Arms (or re-arms) `SIGALRM` `seconds` from now, to the microsecond; zero or less fires it almost at once.
    public static func armBackstop(after seconds: Double) {
        let microseconds = max(1, Int((seconds * 1_000_000).rounded(.up)))
        setTimer(microseconds: microseconds)
    }

    /// Disarms the backstop, once the answer is written.
    public static func disarmBackstop() {
        setTimer(microseconds: 0)
    }

    /// The seconds until the backstop fires, 0 when it is not armed.
    public static var backstopRemaining: Double {
        var current = itimerval()
        getitimer(__itimer_which_t(ITIMER_REAL.rawValue), &current)
        return Double(current.it_value.tv_sec) + Double(current.it_value.tv_usec) / 1_000_000
    }

    /// Starts a thread that sleeps `seconds` (resuming after signals) and then calls `action`.
    ///
    /// When `action` returns true the process ends at once with `_exit(exitStatus)`, without flushing anything, so `action`
    /// writes whatever must be written. Returns the thread, which callers never need to join (tests may).
    @discardableResult
    public static func answer(
        after seconds: Double, exitStatus: Int32 = 0, _ action: @escaping @Sendable () -> Bool
    ) -> WorkerThreads.Background<Void> {
        WorkerThreads.Background {
            sleep(seconds: seconds)
            if action() { _exit(exitStatus) }
        }
    }

    /// Blocks the calling thread for good: the answering thread is ending the process.
    public static func waitForExit() -> Never {
        while true {
            pause()
        }
    }

    /// Sets `ITIMER_REAL` to fire once, `microseconds` from now (0 disarms it).
    private static func setTimer(microseconds: Int) {
        var value = itimerval()
        value.it_value.tv_sec = microseconds / 1_000_000
        value.it_value.tv_usec = microseconds % 1_000_000
        setitimer(__itimer_which_t(ITIMER_REAL.rawValue), &value, nil)
    }

    /// Sleeps `seconds` (nothing when not positive), resuming after signals until the full time has passed.
    private static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        let whole = seconds.rounded(.down)
        var request = timespec(tv_sec: Int(whole), tv_nsec: Int((seconds - whole) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR {
            request = remaining
        }
    }
}
