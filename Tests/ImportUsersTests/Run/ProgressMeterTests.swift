import EC2SSHCore
import EC2SSHSystem
import Logging
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

@Suite struct ProgressMeterTests {
    @Test func drawsNothingInTheFirstSecondAndNothingAtTheEndOfAShortRun() {
        let clock = FakeClock()
        let console = RecordingConsole()
        let meter = ProgressMeter(total: 3, time: clock, console: console)
        for _ in 0..<3 {
            clock.advance(by: 0.3)
            meter.advance()
        }
        meter.finish()
        #expect(console.standardErrorWrites.isEmpty)
    }

    @Test func redrawsInPlaceAtMostFourTimesASecondThenEndsTheLine() {
        let clock = FakeClock()
        let console = RecordingConsole()
        let meter = ProgressMeter(total: 128, time: clock, console: console)
        // 128 accounts at 1/64 s each: 2 seconds, so draws from 1 s on, every 0.25 s at most (and exact in binary).
        for _ in 0..<128 {
            clock.advance(by: 1.0 / 64)
            meter.advance()
        }
        meter.finish()
        let writes = console.standardErrorWrites
        #expect(writes.count == 6, "\(writes)")  // at 1, 1.25, 1.5, 1.75 and 2 s, then the final line
        #expect(writes.allSatisfy { $0.hasPrefix("\r") && $0.contains("\u{1B}[K") })
        #expect(writes.dropLast().allSatisfy { !$0.hasSuffix("\n") })
        #expect(writes.first == "\rimport_users: 64 of 128 accounts created (50%), 64.0/s, about 1s left\u{1B}[K")
        #expect(writes.last == "\rimport_users: 128 of 128 accounts created (100%), 64.0/s, 2s\u{1B}[K\n")
        #expect(console.standardOutput.isEmpty)
    }

    @Test func aFinishedMeterDoesNotEndTheLineTwice() {
        let clock = FakeClock()
        let console = RecordingConsole()
        let meter = ProgressMeter(total: 2, time: clock, console: console)
        clock.advance(by: 2)
        meter.advance()
        meter.finish()
        meter.finish()
        #expect(console.standardErrorWrites.filter { $0.hasSuffix("\n") }.count == 1)
    }

    @Test func aLogLineClearsTheShownLineOnceAndTheNextDueDrawBringsItBack() {
        let clock = FakeClock()
        let console = RecordingConsole()
        let log = LogCapture()
        let meter = ProgressMeter(total: 10, time: clock, console: console)
        let logger = Logger(label: "import_users") { _ in ProgressLogHandler(inner: log.logger.handler, meter: meter) }
        logger.notice("before anything is drawn")
        #expect(console.standardErrorWrites.isEmpty)
        clock.advance(by: 1)
        meter.advance()
        logger.notice("applying: one")
        logger.notice("applying: two")
        #expect(console.standardErrorWrites.count == 2)
        #expect(console.standardErrorWrites.last == "\r\u{1B}[K")
        #expect(log.text.contains("applying: one") && log.text.contains("applying: two"))
        clock.advance(by: 0.1)
        meter.advance()  // not due yet: the line stays cleared
        #expect(console.standardErrorWrites.count == 2)
        clock.advance(by: 0.2)
        meter.advance()
        #expect(console.standardErrorWrites.last?.hasPrefix("\rimport_users: 3 of 10") == true)
    }

    @Test func theRunnerCountsOnlySuccessfulRunsOfTheAccountProgram() throws {
        let clock = FakeClock()
        let console = RecordingConsole()
        let meter = ProgressMeter(total: 3, time: clock, console: console)
        let inner = RecordingProcessRunner()
        let useradd = Command("/usr/sbin/useradd", ["--", "alice"])
        let failing = Command("/usr/sbin/useradd", ["--", "bob"])
        let visudo = Command("/usr/sbin/visudo", ["-cf", "/tmp/x"])
        inner.expect(useradd)
        inner.expect(failing, returning: .exited(9))
        inner.expect(visudo)
        let runner = ProgressRunner(inner: inner, accountProgram: "/usr/sbin/useradd", meter: meter)
        clock.advance(by: 2)
        for command in [useradd, failing, visudo] { _ = try runner.run(command) }
        meter.finish()
        #expect(inner.commands == [useradd, failing, visudo])
        #expect(console.standardErrorWrites.last?.contains("1 of 3 accounts created") == true)
    }

    /// Five accounts at 0.5 s each: on a terminal the run shows its progress on standard error; otherwise nothing.
    @Test(arguments: [false, true])
    func aFirstImportShowsItsProgressOnlyOnATerminal(terminal: Bool) throws {
        let names = ["a1", "b2", "c3", "d4", "e5"]
        let world = ImportRunHarness(
            host: FakeAccountHost(users: [("root", 0)]), aws: FakeAWSReader(.init(users: .success(names))))
        world.host.observe { command in
            if command.executable.hasSuffix("/useradd") { world.time.advance(by: 0.5) }
        }
        let console = RecordingConsole()
        var dependencies = world.dependencies()
        if terminal { dependencies.progressConsole = console }
        let (configuration, _) = try Configuration.parse("", path: "/etc/aws-ec2-ssh.conf")
        let settings = ToolSettings(
            path: "/etc/aws-ec2-ssh.conf", configuration: configuration, warnings: [], environment: [:])
        let outcome = ImportRun(
            settings: settings, options: ImportOptions(), dependencies: dependencies, logger: world.log.logger
        ).run()
        #expect(outcome.exitCode == .ok)
        #expect(try world.state().accounts.count == 5)
        if terminal {
            #expect(console.standardErrorWrites.count >= 2)
            #expect(
                console.standardErrorWrites.last?.hasPrefix("\rimport_users: 5 of 5 accounts created (100%)") == true)
            #expect(console.standardErrorWrites.last?.hasSuffix("\n") == true)
        } else {
            #expect(console.standardErrorWrites.isEmpty)
        }
        #expect(console.standardOutput.isEmpty)
    }
}
