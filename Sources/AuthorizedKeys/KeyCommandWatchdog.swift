import AWSCore
import EC2SSHShared
import EC2SSHSystem
public import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The one owner of the key command's hard deadline, KEY_COMMAND_TIMEOUT.
///
/// Two guards, both measured from the run's start (`KeyCommandDeadline.start`):
/// - a watchdog thread that wakes `reserve(forTimeout:)` seconds before the deadline and, unless the run has
///   answered, serves what the stale-cache rules allow (`KeyCommandFallback.preempt`), logs the audit line, writes
///   the keys and ends the process with `_exit(0)`: a run stuck where no time limit reaches (a DNS resolver that
///   never answers with a libcurl older than 7.87, an NSS lookup that hangs) still gets its stale keys and its
///   audit line;
/// - `alarm(2)` at the deadline itself, the kernel's backstop should the watchdog thread be unable to run
///   (SIGALRM's default action ends the process, printing nothing).
///
/// Before the configuration is read, only the alarm runs, with `startupLimit`.
public enum KeyCommandWatchdog {
    /// The hard limit, in seconds, until the configuration has been read and KEY_COMMAND_TIMEOUT is known.
    public static let startupLimit = 5

    /// How long before the deadline the watchdog answers: an eighth of the timeout, at most half a second (the IAM
    /// budget of `KeyCommandDeadline.budget(forTimeout:)` ends earlier, so a normal run never meets it).
    public static func reserve(forTimeout timeout: Double) -> Double {
        min(0.5, max(0, timeout) / 8)
    }

    /// Arms only the kernel backstop: SIGALRM `seconds` from now (0 disarms it).
    public static func armAlarm(seconds: Int) {
        alarm(UInt32(max(0, seconds)))
    }

    /// Disarms the backstop once the answer is written.
    public static func disarm() {
        alarm(0)
    }

    /// Arms both guards for a run of `timeout` seconds that started at `deadline.start`.
    ///
    /// - Parameters:
    ///   - fallback: what the run has published; the watchdog answers only when the run has not.
    ///   - output: writes the watchdog's answer on standard output.
    public static func start(
        timeout: Double, deadline: KeyCommandDeadline, fallback: KeyCommandFallback, logger: Logger,
        output: @escaping @Sendable ([UInt8]) -> Void
    ) {
        armAlarm(seconds: Int(timeout.rounded(.up)))
        let fireAt = timeout - reserve(forTimeout: timeout)
        _ = WorkerThreads.Background {
            sleep(seconds: fireAt - deadline.elapsed)
            guard
                let outcome = fallback.preempt(
                    now: deadline.time.now(), elapsed: deadline.elapsed, timeout: timeout)
            else { return }
            logger.log(level: outcome.audit.level, "\(outcome.audit.message)", metadata: outcome.audit.metadata)
            output(outcome.output)
            _exit(0)
        }
    }

    /// Blocks the calling thread for good: the run was preempted and the watchdog is ending the process.
    public static func waitForExit() -> Never {
        while true {
            pause()
        }
    }

    /// Sleeps `seconds` (nothing when not positive), resuming after signals.
    private static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR {
            request = remaining
        }
    }
}
