public import AWSCore
public import EC2SSHShared
public import EC2SSHSystem

/// Everything an import run touches outside itself, passed in explicitly.
public struct ImportDependencies: Sendable {
    /// Reads and writes files (state, index, sudoers, login.defs).
    public var fileSystem: any FileSystem
    /// Runs the account programs and visudo.
    public var runner: any ProcessRunning
    /// The passwd and group databases.
    public var accounts: any AccountDatabase
    /// Finds and signals processes of deleted accounts.
    public var processes: any ProcessControl
    /// The clock and the grace-period sleep.
    public var time: any TimeSource
    /// The AWS reads.
    public var aws: any AWSReading
    /// Takes the run lock at a path and returns how to release it; throws `SystemError` of kind `.lockHeld`.
    public var lock: @Sendable (String) throws -> @Sendable () -> Void
    /// Writes the plan (text or JSON) to standard output.
    public var output: @Sendable (String) -> Void
    /// Fixed host paths and programs.
    public var paths: HostPaths
    /// Seconds between TERM and KILL for processes of a deleted account.
    public var gracePeriod: Double
    /// Refreshes the key command's cache in cache-first mode (KEY_CACHE_TTL above 0), when available.
    public var keySnapshot: (any KeySnapshotting)?
    /// The effective user id the run has (`geteuid()`); import_users refuses to run as anyone but root (0).
    public var effectiveUID: UInt32
    /// Fleet reader mode (SNAPSHOT_URL set): the snapshot refresh that replaces every IAM read; `nil` reads IAM.
    public var fleet: FleetSnapshotFetcher?
    /// Where a run that creates accounts shows its progress (`ProgressMeter`): standard error when it is a
    /// terminal; `nil` (the default) shows none.
    public var progressConsole: (any ConsoleWriting)?
    /// The account files and homes for ACCOUNT_BACKEND=batch; `nil` (the default) creates every account with useradd.
    public var accountFiles: (any AccountFilesAccess)?

    /// Creates the dependencies.
    public init(
        fileSystem: any FileSystem, runner: any ProcessRunning, accounts: any AccountDatabase,
        processes: any ProcessControl, time: any TimeSource, aws: any AWSReading,
        lock: @escaping @Sendable (String) throws -> @Sendable () -> Void,
        output: @escaping @Sendable (String) -> Void, paths: HostPaths = .standard, gracePeriod: Double = 5,
        keySnapshot: (any KeySnapshotting)? = nil, effectiveUID: UInt32 = 0,
        progressConsole: (any ConsoleWriting)? = nil, fleet: FleetSnapshotFetcher? = nil,
        accountFiles: (any AccountFilesAccess)? = nil
    ) {
        self.accountFiles = accountFiles
        self.fileSystem = fileSystem
        self.runner = runner
        self.accounts = accounts
        self.processes = processes
        self.time = time
        self.aws = aws
        self.lock = lock
        self.output = output
        self.paths = paths
        self.gracePeriod = gracePeriod
        self.keySnapshot = keySnapshot
        self.effectiveUID = effectiveUID
        self.progressConsole = progressConsole
        self.fleet = fleet
    }
}
