import EC2SSHCore
import EC2SSHSystem
import Synchronization
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

/// Fewer processes per account: one useradd per new account, and the sudoers files of a run checked with one visudo
/// run, falling back to one check per file when the batch fails so that only a bad file fails.
@Suite struct PlanExecutorBatchTests {
    typealias World = PlanExecutorWorld
    static let marker = SyncPolicy.defaultMarkerGroup
    static let batch = World.stateDir + "/sudoers-check.batch"

    static func content(_ name: String) throws -> String {
        try SudoersFile.content(forLocalName: name, rule: SyncPolicy.defaultSudoersRule)
    }

    static func grant(_ name: String, content: String? = nil) throws -> SyncPlan.Action {
        .writeSudoers(localName: name, fileName: "aws-ec2-ssh-\(name)", content: try content ?? Self.content(name))
    }

    static func check(_ path: String) -> Command {
        Command("/usr/sbin/visudo", ["-cf", path], timeout: 120)
    }

    /// alice, bob and carol exist and are managed; the plan grants each sudo.
    static func grantPlan(_ world: World, contents: [String: String] = [:]) throws -> (SyncPlan, ManagedState) {
        let state = ManagedState(accounts: [
            "alice": World.entry("alice", uid: 2000), "bob": World.entry("bob", uid: 2001),
            "carol": World.entry("carol", uid: 2002),
        ])
        var final = state
        for name in state.accounts.keys { final.accounts[name]?.sudo = true }
        let actions = try ["alice", "bob", "carol"].map { try grant($0, content: contents[$0]) }
        return (World.plan(actions, intent: state, final: final), state)
    }

    @Test func theSudoersFilesOfARunAreCheckedWithOneVisudoRun() throws {
        let runner = RecordingProcessRunner()
        runner.expect(Self.check(Self.batch))
        let world = World(host: FakeAccountHost())
        let checked = Mutex<[UInt8]?>(nil)
        let observed = ObservingRunner(runner) { _ in
            checked.withLock { $0 = (try? world.fileSystem.readFile(Self.batch)) ?? nil }
        }
        let commands = AccountCommands(configuration: Configuration(), paths: .standard)
        let executor = PlanExecutor(
            host: .init(
                runner: observed, accounts: world.host, processes: world.host, time: world.time,
                fileSystem: world.fileSystem),
            commands: commands,
            sudoers: SudoersInstaller(
                fileSystem: world.fileSystem, runner: observed, commands: commands, checkDirectory: World.stateDir),
            store: StateStore(directory: World.stateDir, fileSystem: world.fileSystem), gracePeriod: 1,
            logger: world.log.logger)
        let (plan, state) = try Self.grantPlan(world)
        let report = executor.execute(plan, from: state)
        #expect(report.failures.isEmpty)
        #expect(runner.commands == [Self.check(Self.batch)])
        #expect(runner.pendingCommands.isEmpty && runner.unexpectedCommands.isEmpty)
        let together = try Self.content("alice") + Self.content("bob") + Self.content("carol")
        #expect(checked.withLock { $0 } == Array(together.utf8))
        #expect(world.fileSystem.node(Self.batch) == nil)
        for name in ["alice", "bob", "carol"] {
            let installed = try #require(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-\(name)"))
            #expect(installed.bytes == Array(try Self.content(name).utf8))
            #expect(installed.mode == 0o440 && installed.owner == .root)
        }
        #expect(try world.savedState() == plan.finalState)
        #expect(world.log.text.contains("checked 3 sudoers files with one visudo run"))
    }

    /// How the batch check fails: visudo refuses it, or cannot be run at all.
    enum BatchFailure: CaseIterable { case refused, cannotRun }

    @Test(arguments: BatchFailure.allCases)
    func aFailedBatchFallsBackToOneCheckPerFileAndOnlyTheBadFileFails(failure: BatchFailure) throws {
        let runner = RecordingProcessRunner()
        switch failure {
        case .refused:
            runner.expect(Self.check(Self.batch), returning: .exited(1, standardError: "syntax error"))
        case .cannotRun:
            runner.expect(
                Self.check(Self.batch), throwing: SystemError(.timedOut, operation: "run", subject: "visudo"))
        }
        let prefix = World.stateDir + "/sudoers-check-aws-ec2-ssh-"
        runner.expect(Self.check(prefix + "alice"))
        runner.expect(Self.check(prefix + "bob"), returning: .exited(1, standardError: "syntax error near bob"))
        runner.expect(Self.check(prefix + "carol"))
        let world = World(host: FakeAccountHost())
        let commands = AccountCommands(configuration: Configuration(), paths: .standard)
        let executor = PlanExecutor(
            host: .init(
                runner: runner, accounts: world.host, processes: world.host, time: world.time,
                fileSystem: world.fileSystem),
            commands: commands,
            sudoers: SudoersInstaller(
                fileSystem: world.fileSystem, runner: runner, commands: commands, checkDirectory: World.stateDir),
            store: StateStore(directory: World.stateDir, fileSystem: world.fileSystem), gracePeriod: 1,
            logger: world.log.logger)
        let (plan, state) = try Self.grantPlan(world, contents: ["bob": "\"bob\" broken (\n"])
        let report = executor.execute(plan, from: state)
        #expect(runner.pendingCommands.isEmpty && runner.unexpectedCommands.isEmpty)
        #expect(report.failures.map(\.action?.subject) == ["bob"])
        #expect(report.failures.first?.message.contains("syntax error near bob") == true)
        #expect(report.completed.map(\.subject) == ["alice", "carol"])
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-alice") != nil)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-bob") == nil)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-carol") != nil)
        #expect(world.fileSystem.node(Self.batch) == nil)
        #expect(try world.savedState() == plan.finalState(keepingIntentOf: ["bob"]))
        #expect(world.log.text.contains("checking 3 sudoers files together failed"))
    }

    @Test func theGrantsOfAnAccountWhoseCreationFailedAreLeftOutOfTheBatch() throws {
        let world = World(host: FakeAccountHost(groups: [(Self.marker, 900, [])]))
        world.host.fail(
            "/usr/sbin/useradd --user-group --create-home --shell /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 --groups \(Self.marker) -- bob"
        )
        let batches = Mutex<[String]>([])
        world.host.observe { command in
            guard command.arguments.last == Self.batch else { return }
            let bytes = (try? world.fileSystem.readFile(Self.batch)) ?? nil
            batches.withLock { $0.append(String(decoding: bytes ?? [], as: UTF8.self)) }
        }
        var intent = ManagedState()
        var final = ManagedState()
        let names = ["alice", "bob", "carol"]
        for name in names {
            intent.accounts[name] = World.entry(name, status: .creating)
            final.accounts[name] = World.entry(name)
            final.accounts[name]?.sudo = true
        }
        let creations = names.map {
            SyncPlan.Action.createUser(localName: $0, iamUserName: $0, uid: nil, groups: [Self.marker])
        }
        let report = world.executor().execute(
            World.plan(creations + (try names.map { try Self.grant($0) }), intent: intent, final: final),
            from: ManagedState())
        #expect(report.failures.map(\.action?.subject) == ["bob"])
        #expect(report.skipped.map(\.subject) == ["bob"])
        #expect(batches.withLock { $0 } == [try Self.content("alice") + Self.content("carol")])
        #expect(
            world.host.commandLines.filter { $0.hasPrefix("/usr/sbin/visudo") } == [
                "/usr/sbin/visudo -cf \(Self.batch)"
            ])
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-bob") == nil)
    }

    @Test func aNewAccountWithADeterministicUIDIsOneUseraddThatPinsTheGroupID() throws {
        let world = World(host: FakeAccountHost(groups: [(Self.marker, 900, [])]))
        let intent = ManagedState(accounts: ["alice": World.entry("alice", uid: 70_123, status: .creating)])
        let final = ManagedState(accounts: ["alice": World.entry("alice", uid: 70_123)])
        let report = world.executor().execute(
            World.plan(
                [.createUser(localName: "alice", iamUserName: "alice", uid: 70_123, groups: [Self.marker])],
                intent: intent, final: final),
            from: ManagedState())
        #expect(report.failures.isEmpty)
        #expect(
            world.host.commandLines == [
                "/usr/sbin/useradd --user-group --create-home --shell /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 --uid 70123 -K GID_MIN=70123 -K "
                    + "GID_MAX=70123 --groups \(Self.marker) -- alice"
            ])
        #expect(world.host.host.users["alice"]?.gid == 70_123)
        #expect(world.host.host.groups["alice"]?.gid == 70_123)
    }

    /// A group `alice` with the account's GID (left by an older version's groupadd before a kill) is joined, not
    /// created again; a GID taken by another group makes useradd fail, and nothing is created.
    @Test(arguments: [
        ("alice", true), ("other", false),
    ])
    func aGroupHoldingTheGIDIsReusedOnlyWhenItIsTheUsersOwn(group: String, created: Bool) throws {
        let world = World(host: FakeAccountHost(groups: [(Self.marker, 900, []), (group, 70_123, [])]))
        let intent = ManagedState(accounts: ["alice": World.entry("alice", uid: 70_123, status: .creating)])
        let final = ManagedState(accounts: ["alice": World.entry("alice", uid: 70_123)])
        let report = world.executor().execute(
            World.plan(
                [.createUser(localName: "alice", iamUserName: "alice", uid: 70_123, groups: [Self.marker])],
                intent: intent, final: final),
            from: ManagedState())
        #expect(report.failures.isEmpty == created)
        #expect((world.host.host.users["alice"] != nil) == created)
        #expect(world.host.commandLines.count == 1)
        #expect(world.host.commandLines.first?.contains("--gid 70123") == created)
        #expect(try world.savedState() == (created ? final : intent))
    }
}

/// A runner that calls `observer` with each command, then lets `inner` run it.
private struct ObservingRunner: ProcessRunning {
    let inner: any ProcessRunning
    let observer: @Sendable (Command) -> Void

    init(_ inner: any ProcessRunning, observer: @escaping @Sendable (Command) -> Void) {
        self.inner = inner
        self.observer = observer
    }

    func run(_ command: Command) throws -> ProcessResult {
        observer(command)
        return try inner.run(command)
    }
}
