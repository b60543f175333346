package import EC2SSHSystem
import Synchronization

/// A test double for `ProcessRunning`: records every command, answers from a script, runs nothing.
///
/// A command matches an expectation when its executable, arguments and standard input are equal; each
/// expectation answers once, and expectations for equal commands answer in the order they were given.
/// Any command that matches no remaining expectation fails loudly: `run` throws `SystemError` of kind
/// `.unexpectedCommand` and the command is listed in `unexpectedCommands`, so a test can never run a real
/// program or silently skip one by accident.
package final class RecordingProcessRunner: ProcessRunning {
    /// One scripted answer.
    private struct Expectation {
        var command: Command
        var answer: Result<ProcessResult, SystemError>
    }

    private struct State {
        var expectations: [Expectation] = []
        var commands: [Command] = []
        var unexpected: [Command] = []
    }

    private let state = Mutex(State())

    /// Creates a runner that expects nothing yet.
    package init() {}

    /// Scripts `result` as the answer to the next run of `command` (exit status 0, no output, by default).
    package func expect(_ command: Command, returning result: ProcessResult = .exited(0)) {
        state.withLock { $0.expectations.append(Expectation(command: command, answer: .success(result))) }
    }

    /// Scripts `error` as what the next run of `command` throws, for example a `.timedOut` error.
    package func expect(_ command: Command, throwing error: SystemError) {
        state.withLock { $0.expectations.append(Expectation(command: command, answer: .failure(error))) }
    }

    /// Every command `run` was asked to run, expected or not, in order.
    package var commands: [Command] {
        state.withLock { $0.commands }
    }

    /// The commands `run` refused because no expectation matched them.
    package var unexpectedCommands: [Command] {
        state.withLock { $0.unexpected }
    }

    /// The scripted commands that have not been run yet.
    package var pendingCommands: [Command] {
        state.withLock { $0.expectations.map(\.command) }
    }

    /// Records `command` and answers from the script, or throws `.unexpectedCommand`.
    package func run(_ command: Command) throws -> ProcessResult {
        let answer = state.withLock { state -> Result<ProcessResult, SystemError> in
            state.commands.append(command)
            guard let index = state.expectations.firstIndex(where: { Self.matches($0.command, command) }) else {
                state.unexpected.append(command)
                return .failure(
                    SystemError(
                        .unexpectedCommand, operation: "run", subject: command.description,
                        detail: "the test did not expect this command",
                        hint: "script it with RecordingProcessRunner.expect before running the code under test"))
            }
            return state.expectations.remove(at: index).answer
        }
        return try answer.get()
    }

    /// Whether `actual` answers to an expectation for `expected`: same program, arguments and input.
    private static func matches(_ expected: Command, _ actual: Command) -> Bool {
        expected.executable == actual.executable && expected.arguments == actual.arguments
            && expected.standardInput == actual.standardInput
    }
}
