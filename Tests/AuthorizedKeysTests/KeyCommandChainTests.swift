import EC2SSHCore
import EC2SSHSystem
import Testing

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import TestSupport

@Suite struct KeyCommandChainTests {
    static let eic = "/usr/share/ec2-instance-connect/eic_run_authorized_keys"

    @Test(arguments: [
        ("%u", "alice"),
        ("%f", "SHA256:abc"),
        ("--user=%u:%f", "--user=alice:SHA256:abc"),
        ("100%%", "100%"),
        ("%x%", "%x%"),
        ("plain", "plain"),
    ])
    func placeholdersAreSubstituted(template: String, expected: String) {
        #expect(KeyCommand.Chain.substitute(template, user: "alice", fingerprint: "SHA256:abc") == expected)
    }

    @Test func defaultArgumentsAreUserAndFingerprint() {
        let chain = KeyCommand.Chain(program: Self.eic, arguments: [], runner: RecordingProcessRunner())
        let command = chain.command(user: "alice", fingerprint: nil, timeout: 3)
        #expect(command.arguments == ["alice", ""])
        #expect(command.timeout == 3)
        #expect(command.environment == Command.defaultEnvironment)
    }

    @Test func validLinesArePrintedAfterOursAndJunkIsDropped() {
        let runner = RecordingProcessRunner()
        let output = [
            "# EC2 Instance Connect", "", TestKeys.ecdsa, "command=\"/bin/sh\" " + TestKeys.second, "garbage",
        ].joined(separator: "\n")
        runner.expect(Command(Self.eic, ["alice", "SHA256:x"]), returning: .exited(0, standardOutput: output))
        let harness = KeyCommandHarness()
        harness.chain = KeyCommand.Chain(program: Self.eic, arguments: ["%u", "%f"], runner: runner)
        let outcome = harness.run(fingerprint: "SHA256:x")
        #expect(outcome.lines == [TestKeys.ed25519, TestKeys.ecdsa])
        #expect(outcome.audit.chainedKeys == 1)
        #expect(harness.log.all.filter { $0.hasPrefix("warning: chained command key line dropped") }.count == 2)
        #expect(runner.commands.first?.timeout ?? 0 > 0)
    }

    @Test func theChainedCommandRunsEvenForUsersWeRefuse() {
        let runner = RecordingProcessRunner()
        runner.expect(Command(Self.eic, ["ubuntu"]), returning: .exited(0, standardOutput: TestKeys.second + "\n"))
        let harness = KeyCommandHarness()
        harness.chain = KeyCommand.Chain(program: Self.eic, arguments: ["%u"], runner: runner)
        let outcome = harness.run("ubuntu")
        #expect(outcome.lines == [TestKeys.second])
        #expect(outcome.audit.refusal == .notManaged)
    }

    @Test func aFailingChainedCommandNeverBlocksOurKeys() {
        let runner = RecordingProcessRunner()
        runner.expect(
            Command(Self.eic, ["alice"]),
            throwing: SystemError(.timedOut, operation: "run", subject: Self.eic, detail: "too slow"))
        let harness = KeyCommandHarness()
        harness.chain = KeyCommand.Chain(program: Self.eic, arguments: ["%u"], runner: runner)
        let outcome = harness.run()
        #expect(outcome.lines == [TestKeys.ed25519])
        #expect(outcome.audit.chainFailure?.contains("too slow") == true)
    }

    @Test func aNonZeroExitKeepsValidLinesAndIsReported() {
        let runner = RecordingProcessRunner()
        runner.expect(Command(Self.eic, ["alice"]), returning: .exited(1, standardOutput: TestKeys.second))
        let chain = KeyCommand.Chain(program: Self.eic, arguments: ["%u"], runner: runner)
        let output = chain.run(user: "alice", fingerprint: nil, timeout: 1)
        #expect(output.keys.map(\.line) == [TestKeys.second])
        #expect(output.failure?.contains("exit status 1") == true)
    }
}
