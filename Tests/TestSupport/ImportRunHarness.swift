import AWSCore
import EC2SSHCore
import EC2SSHSystem
import Synchronization
import Testing

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import ImportUsers

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A complete fake world for `ImportRun`: filesystem, host, AWS, clock, lock, output and log.
final class ImportRunHarness: Sendable {
    static let stateDir = "/var/lib/aws-ec2-ssh"
    static let statePath = stateDir + "/state.json"
    static let indexPath = stateDir + "/managed-users.json"
    static let statusPath = stateDir + "/last-run.json"
    static let unchangedPath = stateDir + "/unchanged-run.json"

    let fileSystem: MemoryFileSystem
    let host: FakeAccountHost
    let aws: FakeAWSReader
    let time = FakeClock(monotonic: 100, sleeping: .advancesTheClock)
    let log = LogCapture()
    let printed = Mutex<String>("")
    let lockHeld = Mutex(false)
    let locks = Mutex<[String]>([])
    /// The effective user id the run sees (0: root).
    let effectiveUID = Mutex<UInt32>(0)
    let keySnapshot: (any KeySnapshotting)?
    /// Fleet reader mode: the scripted S3 (nil: direct IAM mode).
    let s3: FakeS3?
    /// Builds the fleet refresh over the harness's filesystem (for example over a real S3 client), instead of `s3`.
    let makeFleet: (@Sendable (MemoryFileSystem) -> FleetSnapshotFetcher)?
    /// Where fleet reader mode keeps its verified copy.
    static let fleetPath = stateDir + "/fleet-snapshot"

    init(
        host: FakeAccountHost = FakeAccountHost(), aws: FakeAWSReader = FakeAWSReader(),
        keySnapshot: (any KeySnapshotting)? = nil, s3: FakeS3? = nil,
        fleet: (@Sendable (MemoryFileSystem) -> FleetSnapshotFetcher)? = nil
    ) {
        self.keySnapshot = keySnapshot
        self.s3 = s3
        self.makeFleet = fleet
        fileSystem = MemoryFileSystem(directories: ["/etc", "/etc/sudoers.d", "/var", "/var/lib"])
        self.host = host
        self.aws = aws
    }

    var output: String { printed.withLock { $0 } }

    func dependencies() -> ImportDependencies {
        ImportDependencies(
            fileSystem: fileSystem, runner: host, accounts: host, processes: host, time: time, aws: aws,
            lock: { path in
                if self.lockHeld.withLock({ $0 }) {
                    throw SystemError(.lockHeld, operation: "lock", subject: path, detail: "held by a test")
                }
                self.locks.withLock { $0.append(path) }
                return {}
            },
            output: { text in self.printed.withLock { $0 += text } }, keySnapshot: keySnapshot,
            effectiveUID: effectiveUID.withLock { $0 },
            fleet: makeFleet?(fileSystem)
                ?? s3.map { FleetWorld.fetcher(s3: $0, fileSystem: fileSystem, path: Self.fleetPath) })
    }

    func run(_ configText: String = "", _ options: ImportOptions = ImportOptions()) throws -> ImportRun.Outcome {
        let (configuration, _) = try Configuration.parse(configText, path: "/etc/aws-ec2-ssh.conf")
        let settings = ToolSettings(
            path: "/etc/aws-ec2-ssh.conf", configuration: configuration, warnings: [], environment: [:])
        return ImportRun(settings: settings, options: options, dependencies: dependencies(), logger: log.logger).run()
    }

    func state() throws -> ManagedState {
        let bytes = try #require(try fileSystem.readFile(Self.statePath))
        return try ManagedState.decoded(from: Data(bytes))
    }
}
