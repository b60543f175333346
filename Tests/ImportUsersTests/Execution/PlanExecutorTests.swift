import EC2SSHCore
import EC2SSHSystem
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct PlanExecutorTests {
    typealias World = PlanExecutorWorld
    static let stateDir = World.stateDir
    /// The filesystem and clock of the test; each test brings its own host.
    let world = World(host: FakeAccountHost())
    var fileSystem: MemoryFileSystem { world.fileSystem }
    var time: FakeClock { world.time }

    /// An executor running programs on `runner` and reading accounts from `host`, with a 2 s grace period.
    func executor(runner: any ProcessRunning, host: FakeAccountHost) -> PlanExecutor {
        world.executor(runner: runner, host: host, gracePeriod: 2)
    }

    @Test func createUserRunsTheExactCommandAndRecordsTheUIDReadBack() throws {
        let host = FakeAccountHost(groups: [("iam-synced-users", 900, []), ("docker", 901, [])])
        let intent = ManagedState(accounts: ["alice": World.entry("alice", status: .creating)])
        let final = ManagedState(accounts: ["alice": World.entry("alice")])
        let report = executor(runner: host, host: host).execute(
            World.plan(
                [
                    .createUser(
                        localName: "alice", iamUserName: "alice", uid: nil, groups: ["iam-synced-users", "docker"])
                ],
                intent: intent, final: final),
            from: ManagedState())
        #expect(report.failure == nil)
        #expect(
            host.commands.map { [$0.executable] + $0.arguments } == [
                [
                    "/usr/sbin/useradd", "--user-group", "--create-home", "--shell", "/bin/bash", "-K",
                    "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0", "--groups", "iam-synced-users,docker", "--", "alice",
                ]
            ])
        let uid = try #require(host.host.users["alice"]?.uid)
        #expect(try world.savedState().accounts["alice"]?.uid == uid)
        #expect(report.state == final.recordingUID(uid, for: "alice"))
        #expect(fileSystem.changes == [.write(Self.stateDir + "/state.json"), .write(Self.stateDir + "/state.json")])
        #expect(fileSystem.node(Self.stateDir + "/state.json")?.mode == 0o600)
    }

    @Test func sudoersIsInstalledOnlyAfterVisudoAcceptsIt() throws {
        let runner = RecordingProcessRunner()
        let check = Self.stateDir + "/sudoers-check-aws-ec2-ssh-alice"
        runner.expect(Command("/usr/sbin/visudo", ["-cf", check]))
        let content = try SudoersFile.content(forLocalName: "alice", rule: SyncPolicy.defaultSudoersRule)
        let state = ManagedState(accounts: ["alice": World.entry("alice", uid: 2000)])
        var final = state
        final.accounts["alice"]?.sudo = true
        try StateStore(directory: Self.stateDir, fileSystem: fileSystem).saveState(state)
        fileSystem.clearChanges()
        let report = executor(runner: runner, host: FakeAccountHost()).execute(
            World.plan(
                [.writeSudoers(localName: "alice", fileName: "aws-ec2-ssh-alice", content: content)], intent: state,
                final: final),
            from: state)
        #expect(report.failure == nil)
        #expect(report.outcomes.outcomes == [.applied])
        #expect(runner.pendingCommands.isEmpty && runner.unexpectedCommands.isEmpty)
        #expect(
            fileSystem.changes == [
                .write(check), .remove(check), .write("/etc/sudoers.d/aws-ec2-ssh-alice"),
                .write(Self.stateDir + "/state.json"),
            ])
        let installed = try #require(fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-alice"))
        #expect(installed.mode == 0o440 && installed.owner == .root)
        #expect(String(decoding: installed.bytes, as: UTF8.self) == content)
    }

    @Test func aSudoersFileVisudoRejectsIsNeverInstalledAndOnlyThatAccountKeepsItsIntent() throws {
        let runner = RecordingProcessRunner()
        let check = Self.stateDir + "/sudoers-check-aws-ec2-ssh-alice"
        runner.expect(
            Command("/usr/sbin/visudo", ["-cf", check]), returning: .exited(1, standardError: "syntax error"))
        let intent = ManagedState(accounts: [
            "alice": World.entry("alice", uid: 2000), "bob": World.entry("bob", uid: 2001),
        ])
        var final = intent
        final.accounts["alice"]?.sudo = true
        let report = executor(runner: runner, host: FakeAccountHost()).execute(
            World.plan(
                [
                    .writeSudoers(localName: "alice", fileName: "aws-ec2-ssh-alice", content: "broken\n"),
                    .removeSudoers(localName: "bob", fileName: "aws-ec2-ssh-bob"),
                ], intent: intent, final: final),
            from: ManagedState())
        #expect(report.failure?.action?.subject == "alice")
        #expect(report.failure?.message.contains("syntax error") == true)
        #expect(fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-alice") == nil)
        #expect(fileSystem.node(check) == nil)
        #expect(try world.savedState() == intent)
        #expect(report.completed == [.removeSudoers(localName: "bob", fileName: "aws-ec2-ssh-bob")])
        #expect(report.outcomes.outcomes.count == 2)
        guard case .failed(let message) = report.outcomes[0] else {
            Issue.record("the failed action is not recorded as failed: \(report.outcomes[0])")
            return
        }
        #expect(message.contains("syntax error"))
        #expect(report.outcomes[1] == .applied)
    }

    @Test func aFailingCreationKeepsTheIntentOfItsAccountOnlyAndTheOthersGoOn() throws {
        let host = FakeAccountHost(groups: [("iam-synced-users", 900, [])])
        host.fail(
            "/usr/sbin/useradd --user-group --create-home --shell /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 --groups iam-synced-users -- alice"
        )
        let intent = ManagedState(accounts: [
            "alice": World.entry("alice", status: .creating), "bob": World.entry("bob", status: .creating),
        ])
        let final = ManagedState(accounts: ["alice": World.entry("alice"), "bob": World.entry("bob")])
        let report = executor(runner: host, host: host).execute(
            World.plan(
                [
                    .createUser(localName: "alice", iamUserName: "alice", uid: nil, groups: ["iam-synced-users"]),
                    .createUser(localName: "bob", iamUserName: "bob", uid: nil, groups: ["iam-synced-users"]),
                ], intent: intent, final: final),
            from: ManagedState())
        #expect(report.failures.map(\.action?.subject) == ["alice"])
        #expect(report.completed.map(\.subject) == ["bob"])
        #expect(host.commands.count == 2)
        let bob = try #require(host.host.users["bob"])
        let expected = ManagedState(accounts: [
            "alice": World.entry("alice", status: .creating), "bob": World.entry("bob", uid: bob.uid),
        ])
        #expect(try world.savedState() == expected)
        #expect(report.state == expected)
    }

    @Test func deletionLocksEndsProcessesDeletesAndRemovesTheSudoersFile() throws {
        let host = FakeAccountHost(users: [("alice", 2000)], groups: [("iam-synced-users", 900, ["alice"])])
        host.spawn(uid: 2000, pids: [41, 42], stubborn: [42])
        fileSystem.add("/home/alice", .init(type: .directory, mode: 0o755, uid: 2000, gid: 2000))
        let sudoersPath = "/etc/sudoers.d/aws-ec2-ssh-alice"
        try fileSystem.writeFileAtomically(sudoersPath, contents: Array("x\n".utf8), mode: 0o440, owner: .root)
        let state = ManagedState(accounts: ["alice": World.entry("alice", uid: 2000)])
        let intent = ManagedState(accounts: ["alice": World.entry("alice", uid: 2000, status: .deleting)])
        let report = executor(runner: host, host: host).execute(
            World.plan(
                [.deleteUser(localName: "alice", iamUserName: "alice", sudoersFileName: "aws-ec2-ssh-alice")],
                intent: intent, final: ManagedState()),
            from: state)
        #expect(report.failure == nil)
        #expect(
            host.commandLines == [
                "/usr/sbin/usermod --lock --expiredate 1 -- alice", "/usr/sbin/userdel --force --remove -- alice",
            ])
        #expect(host.signals == ["41:\(SIGTERM)", "42:\(SIGTERM)", "42:\(SIGKILL)"])
        #expect(time.sleeps.reduce(0, +) >= 2)
        #expect(host.host.users["alice"] == nil)
        #expect(fileSystem.node(sudoersPath) == nil)
        #expect(try world.savedState() == ManagedState())
    }

    @Test func deletionRefusesAnAccountWhoseUIDChanged() throws {
        let host = FakeAccountHost(users: [("alice", 3000)])
        let state = ManagedState(accounts: ["alice": World.entry("alice", uid: 2000)])
        let report = executor(runner: host, host: host).execute(
            World.plan(
                [.deleteUser(localName: "alice", iamUserName: "alice", sudoersFileName: "aws-ec2-ssh-alice")],
                intent: state, final: ManagedState()),
            from: state)
        #expect(report.failure?.message.contains("refusing to delete alice") == true)
        #expect(host.commands.isEmpty)
        #expect(host.host.users["alice"] != nil)
    }

    @Test func anUnchangedStateIsNotRewritten() throws {
        let state = ManagedState(accounts: ["alice": World.entry("alice", uid: 2000)])
        let store = StateStore(directory: Self.stateDir, fileSystem: fileSystem)
        #expect(try store.saveState(state))
        #expect(try !store.saveState(state))
        #expect(fileSystem.changes == [.write(Self.stateDir + "/state.json")])
    }

    @Test(arguments: [
        (SyncPlan.Action.lockUser(localName: "alice"), "--lock --expiredate 1 -- alice"),
        (.unlockUser(localName: "alice"), "--unlock --expiredate '' -- alice"),
    ])
    func lockAndUnlockRunUsermodOnTheRecordedAccountOnly(action: SyncPlan.Action, arguments: String) throws {
        let state = ManagedState(accounts: ["alice": World.entry("alice", uid: 2000)])
        for (uid, allowed) in [(UInt32(2000), true), (2999, false), (0, false)] {
            let host = FakeAccountHost(users: [("alice", uid)])
            let report = executor(runner: host, host: host).execute(
                World.plan([action], intent: state, final: state), from: state)
            #expect(host.commandLines == (allowed ? ["/usr/sbin/usermod " + arguments] : []))
            #expect((report.failure == nil) == allowed)
            if !allowed { #expect(report.failure?.message.contains("refusing to") == true) }
        }
        let empty = FakeAccountHost()
        let report = executor(runner: empty, host: empty).execute(
            World.plan([action], intent: state, final: state), from: state)
        #expect(report.failure?.message.contains("does not exist") == true)
        #expect(empty.commands.isEmpty)
    }
}
