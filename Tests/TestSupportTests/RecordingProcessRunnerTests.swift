import EC2SSHSystem
import Testing

@testable import TestSupport

@Suite struct RecordingProcessRunnerTests {
    let useradd = Command("/usr/sbin/useradd", ["--user-group", "--create-home", "alice"])

    @Test func expectedCommandsAnswerFromTheScriptAndAreRecorded() throws {
        let runner = RecordingProcessRunner()
        runner.expect(useradd)
        runner.expect(Command("/usr/bin/id", ["alice"]), returning: .exited(0, standardOutput: "uid=2000\n"))
        #expect(try runner.run(useradd).succeeded)
        #expect(try runner.run(Command("/usr/bin/id", ["alice"])).standardOutputText == "uid=2000\n")
        #expect(runner.commands == [useradd, Command("/usr/bin/id", ["alice"])])
        #expect(runner.pendingCommands.isEmpty)
        #expect(runner.unexpectedCommands.isEmpty)
    }

    @Test func unexpectedCommandsFailLoudly() {
        let runner = RecordingProcessRunner()
        runner.expect(useradd)
        let stranger = Command("/usr/sbin/userdel", ["--force", "--remove", "root"])
        let error = systemError { _ = try runner.run(stranger) }
        #expect(error?.kind == .unexpectedCommand)
        #expect(error?.subject == stranger.description)
        #expect(runner.unexpectedCommands == [stranger])
        #expect(runner.commands == [stranger])
        #expect(runner.pendingCommands == [useradd])
    }

    @Test func argumentsMustMatchExactly() {
        let runner = RecordingProcessRunner()
        runner.expect(useradd)
        let other = Command("/usr/sbin/useradd", ["--user-group", "--create-home", "bob"])
        #expect(systemError { _ = try runner.run(other) }?.kind == .unexpectedCommand)
        let withInput = Command("/usr/sbin/useradd", useradd.arguments, standardInput: [1])
        #expect(systemError { _ = try runner.run(withInput) }?.kind == .unexpectedCommand)
    }

    @Test func eachExpectationAnswersOnceAndInOrder() throws {
        let runner = RecordingProcessRunner()
        runner.expect(useradd, returning: .exited(9))
        runner.expect(useradd, returning: .exited(0))
        #expect(try runner.run(useradd).termination == .exited(9))
        #expect(try runner.run(useradd).termination == .exited(0))
        #expect(systemError { _ = try runner.run(useradd) }?.kind == .unexpectedCommand)
    }

    @Test func scriptedErrorsAreThrown() {
        let runner = RecordingProcessRunner()
        let timeout = SystemError(.timedOut, operation: "run", subject: "/usr/sbin/useradd")
        runner.expect(useradd, throwing: timeout)
        #expect(systemError { _ = try runner.run(useradd) } == timeout)
    }
}
