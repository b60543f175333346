import AWSCore
import EC2SSHCore
import EC2SSHSystem
import Logging

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import ImportUsers

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A key command over fakes: alice (UID 1500) and bob+admin are managed; the command runs as UID 990.
final class KeyCommandHarness: @unchecked Sendable {
    static let runningUID: UInt32 = 990
    static let stateDir = "/var/lib/aws-ec2-ssh"
    static let cacheDir = "/var/cache/aws-ec2-ssh"
    static let aliceARN = "arn:aws:iam::123456789012:user/alice"

    let fs = MemoryFileSystem(runningUID: KeyCommandHarness.runningUID)
    let clock = FakeClock(sleeping: .advancesTheClock)
    let log = LogCapture()
    let iam: FakeIAMKeys
    var accounts = FakeAccountDatabase([
        ("alice", 1500), ("bob.plus.admin", 1501), ("root", 0), ("toor", 0), ("daemon", 1), ("ubuntu", 1000),
        ("carol", 1502),
    ])
    var index = ManagedUsersIndex(users: [
        "alice": .init(iamUserName: "alice", iamUserID: "AIDAALICE", iamUserARN: KeyCommandHarness.aliceARN, uid: 1500),
        "bob.plus.admin": .init(iamUserName: "bob+admin", iamUserID: "AIDABOB", uid: 1501),
    ])
    var policy = KeyCachePolicy(ttl: 0, staleMax: 86_400)
    var authorizedGroups: [String] = []
    var chain: KeyCommand.Chain?
    var useCache = true
    var budget = 4.0

    init(iam: FakeIAMKeys = FakeIAMKeys()) {
        self.iam = iam
        fs.addDirectory("/var")
        fs.addDirectory("/var/lib")
        fs.addDirectory("/var/cache")
        fs.addDirectory(Self.stateDir)
        fs.addDirectory(Self.cacheDir, mode: 0o700, uid: Self.runningUID)
        iam.setKeys("alice", [.init(id: "APKAALICE1", body: TestKeys.ed25519)])
        iam.setKeys("bob+admin", [.init(id: "APKABOB1", body: TestKeys.ecdsa)])
        writeIndex()
    }

    var indexPath: String { Self.stateDir + "/" + ManagedUsersIndex.fileName }

    func writeIndex(mode: UInt32 = 0o644, uid: UInt32 = 0) {
        fs.addFile(indexPath, Array((try? index.encoded()) ?? Data()), mode: mode, uid: uid)
    }

    var cache: KeyCache { KeyCache(directory: Self.cacheDir, fileSystem: fs, uid: Self.runningUID) }

    var access: KeyCommand.Access {
        KeyCommand.Access(
            accounts: accounts, fileSystem: fs, loginDefs: .defaults, stateDirectory: Self.stateDir,
            markerGroup: FakeAccountDatabase.markerGroup)
    }

    /// What the watchdog may serve; `nil` runs without one.
    var fallback: KeyCommand.Fallback?
    /// Fleet reader mode: the scripted S3 (nil: direct IAM mode).
    var s3: FakeS3?
    /// SNAPSHOT_REFRESH in fleet reader mode.
    var snapshotRefresh = 60.0
    static let ownFleetPath = cacheDir + "/fleet-snapshot"
    static let importFleetPath = stateDir + "/fleet-snapshot"

    /// The key source of fleet reader mode over `s3`.
    func fleetKeys(_ s3: FakeS3) -> KeyCommand.FleetKeys {
        KeyCommand.FleetKeys(
            fetcher: FleetWorld.fetcher(s3: s3, fileSystem: fs, path: Self.ownFleetPath),
            importCopy: FleetSnapshotStore(path: Self.importFleetPath, owner: nil, fileSystem: fs),
            refresh: snapshotRefresh, authorizedGroups: authorizedGroups)
    }

    /// Runs when the fetcher is built, before any IAM call (for example: the watchdog fires while IAM hangs).
    var beforeIAM: (@Sendable () -> Void)?

    func command() -> KeyCommand {
        let iam = self.iam
        let groups = authorizedGroups
        let beforeIAM = self.beforeIAM
        return KeyCommand(
            access: access, cache: useCache ? cache : nil, policy: policy,
            makeFetcher: {
                beforeIAM?()
                return SSHKeyFetcher(iam: iam, authorizedGroups: groups)
            }, chain: chain,
            deadline: KeyCommand.Deadline(time: clock, limit: budget + 1, budget: budget), logger: log.logger,
            fallback: fallback, fleet: s3.map(fleetKeys))
    }

    func run(_ user: String = "alice", fingerprint: String? = nil) -> KeyCommand.Outcome {
        command().run(KeyCommand.Request(user: user, fingerprint: fingerprint))
    }

    /// Puts a cache entry for `user` fetched `age` seconds ago.
    func seedCache(
        _ user: String = "alice", iamUser: String = "alice", iamUserID: String? = "AIDAALICE", age: Double,
        keys: [(String, String)]
    ) throws {
        try cache.save(
            KeyCacheEntry(
                localUserName: user, iamUserName: iamUser, iamUserID: iamUserID,
                fetchedAt: clock.now().addingTimeInterval(-age),
                keys: keys.map { KeyCacheEntry.Key(id: $0.0, line: $0.1) }))
    }

    func cachedEntry(_ user: String = "alice") throws -> KeyCacheEntry? {
        try cache.load(localName: user)
    }
}
