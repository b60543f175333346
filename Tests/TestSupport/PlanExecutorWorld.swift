import EC2SSHCore
import EC2SSHSystem
import Testing

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import ImportUsers

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A fake host, filesystem and clock for running one `PlanExecutor` over hand-made plans.
struct PlanExecutorWorld {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let stateDir = "/var/lib/aws-ec2-ssh"

    let host: FakeAccountHost
    let fileSystem = MemoryFileSystem(directories: ["/etc", "/etc/default", "/etc/sudoers.d", stateDir])
    let time = FakeClock(monotonic: 100, sleeping: .advancesTheClock)
    let log = LogCapture()

    init(host: FakeAccountHost) {
        self.host = host
    }

    /// The executor for `configuration` (USERDEL_ARGS and friends).
    ///
    /// Programs run on `runner` (by default the world's host) and accounts are read from `host` (by default the
    /// world's); the filesystem, clock and log are always the world's.
    func executor(
        _ configuration: Configuration = Configuration(), runner: (any ProcessRunning)? = nil,
        host: FakeAccountHost? = nil, gracePeriod: Double = 1
    ) -> PlanExecutor {
        let host = host ?? self.host
        let runner = runner ?? host
        let commands = AccountCommands(configuration: configuration, paths: .standard)
        return PlanExecutor(
            host: .init(runner: runner, accounts: host, processes: host, time: time, fileSystem: fileSystem),
            commands: commands,
            sudoers: SudoersInstaller(
                fileSystem: fileSystem, runner: runner, commands: commands, checkDirectory: Self.stateDir),
            store: StateStore(directory: Self.stateDir, fileSystem: fileSystem), gracePeriod: gracePeriod,
            logger: log.logger)
    }

    /// A state entry for `name`.
    static func entry(_ name: String, uid: UInt32? = nil, status: ManagedState.Status = .active)
        -> ManagedState.Account
    {
        ManagedState.Account(iamUserName: name, iamUserID: "AIDA\(name)", uid: uid, createdAt: now, status: status)
    }

    /// A plan of `actions` with the given states.
    static func plan(_ actions: [SyncPlan.Action], intent: ManagedState, final: ManagedState) -> SyncPlan {
        SyncPlan(
            complete: true, actions: actions, conflicts: [], skipped: [], notices: [], intentState: intent,
            finalState: final)
    }

    /// The state file as written.
    func savedState() throws -> ManagedState {
        let bytes = try #require(try fileSystem.readFile(Self.stateDir + "/state.json"))
        return try ManagedState.decoded(from: Data(bytes))
    }

    /// Gives `path` a directory (or other) status owned by `uid`.
    func makeHome(_ path: String, uid: UInt32, type: FileType = .directory) {
        fileSystem.add(path, .init(type: type, mode: 0o755, uid: uid, gid: uid))
    }
}
