import EC2SSHSystem
public import Logging

extension KeyCommand {
    /// The key command's use of `ProcessWatchdog`, the one owner of its hard deadline (`Deadline.limit`).
    ///
    /// - From process start (`arm`) only the kernel backstop runs: `SIGALRM` at `Deadline.startupLimit`.
    /// - Once the configuration is read (`guardRun`) the backstop is re-armed at KEY_COMMAND_TIMEOUT from the start,
    ///   and a thread wakes at `Deadline.answerBy`: unless the run has answered, it serves what the stale-cache rules
    ///   allow (`Fallback.preempt`), logs the audit line, writes the keys and ends the process with exit status 0.
    ///   A run stuck where no time limit reaches (a DNS resolver that never answers with a libcurl older than 7.87,
    ///   an NSS lookup that hangs) still gets its stale keys and its audit line.
    /// - `disarm` once the answer is written.
    public enum Watchdog {
        /// How long before the limit the watchdog answers: an eighth of the timeout, at most half a second (the IAM
        /// budget of `Deadline.budget(forTimeout:)` ends earlier, so a normal run never meets it).
        public static func reserve(forTimeout timeout: Double) -> Double {
            min(0.5, max(0, timeout) / 8)
        }

        /// Arms only the kernel backstop, at `deadline`'s limit from its start.
        public static func arm(_ deadline: Deadline) {
            ProcessWatchdog.armBackstop(after: deadline.limit - deadline.elapsed)
        }

        /// Guards a configured run: re-arms the backstop at `deadline`'s limit and starts the answering thread.
        ///
        /// - Parameters:
        ///   - fallback: what the run has published; the watchdog answers only when the run has not.
        ///   - output: writes the watchdog's answer on standard output.
        public static func guardRun(
            _ deadline: Deadline, fallback: Fallback, logger: Logger, output: @escaping @Sendable ([UInt8]) -> Void
        ) {
            arm(deadline)
            ProcessWatchdog.answer(after: deadline.answerBy - deadline.elapsed, exitStatus: 0) {
                guard let outcome = fallback.preempt(deadline) else { return false }
                logger.log(level: outcome.audit.level, "\(outcome.audit.message)", metadata: outcome.audit.metadata)
                output(outcome.output)
                return true
            }
        }

        /// Disarms the backstop once the answer is written.
        public static func disarm() {
            ProcessWatchdog.disarmBackstop()
        }

        /// Blocks the calling thread for good: the run was preempted and the watchdog is ending the process.
        public static func waitForExit() -> Never {
            ProcessWatchdog.waitForExit()
        }
    }
}
