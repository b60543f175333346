public import EC2SSHSystem

/// Runs commands through another runner and advances a `ProgressMeter` for each account program that succeeds.
///
/// It wraps the run's runner only while accounts are created, so the executor needs to know nothing of progress.
public struct ProgressRunner: ProcessRunning {
    /// The runner that does the work.
    public let inner: any ProcessRunning
    /// USERADD_PROGRAM: each successful run of it is one account created.
    public let accountProgram: String
    /// The meter to advance.
    public let meter: ProgressMeter

    /// Creates the runner.
    public init(inner: any ProcessRunning, accountProgram: String, meter: ProgressMeter) {
        self.inner = inner
        self.accountProgram = accountProgram
        self.meter = meter
    }

    /// Runs `command` with the inner runner; advances the meter when it ran `accountProgram` and exited 0.
    public func run(_ command: Command) throws -> ProcessResult {
        let result = try inner.run(command)
        if command.executable == accountProgram && result.succeeded { meter.advance() }
        return result
    }
}
