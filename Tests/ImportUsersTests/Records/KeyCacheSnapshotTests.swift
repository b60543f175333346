import AWSCore
import EC2SSHCore
import EC2SSHSystem
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The key snapshot import_users writes as root for the key command (UID 990, the directory's owner).
@Suite struct KeyCacheSnapshotTests {
    static let directory = "/var/cache/aws-ec2-ssh"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let throttled = AWSError.service(code: "Throttling", message: "Rate exceeded", requestID: nil, status: 400)

    let fs = MemoryFileSystem(runningUID: 0)
    let iam = FakeIAMKeys()
    let log = LogCapture()

    init() {
        fs.addDirectory("/var")
        fs.addDirectory("/var/cache")
        fs.addDirectory("/etc")
    }

    func snapshot(
        managedUIDRange: ClosedRange<UInt32>? = nil, iamFails: Bool = false, directory: String = Self.directory
    ) -> KeyCacheSnapshot {
        KeyCacheSnapshot(
            directory: directory, fileSystem: fs, loginDefsPath: "/etc/login.defs",
            managedUIDRange: managedUIDRange,
            makeIAM: { [iam] in
                if iamFails { throw AWSError.noCredentials(tried: ["environment"]) }
                return iam
            }, logger: log.logger)
    }

    /// The entry of `localName` as the key command (running as UID 990) reads it.
    func entry(_ localName: String) throws -> KeyCacheEntry? {
        try KeyCache.open(directory: Self.directory, fileSystem: fs, uid: 990).load(localName: localName)
    }

    @Test func writesEachUsersValidKeysOwnedByTheDirectoryOwnerWithMode0600() throws {
        fs.addDirectory(Self.directory, mode: 0o700, uid: 990)
        iam.setKeys(
            "alice", [.init(id: "K1", body: TestKeys.ed25519), .init(id: "K2", body: "ssh-rsa bogus")])
        iam.setKeys("bob+x", [.init(id: "K3", body: TestKeys.second, status: .inactive)])
        let failures = snapshot(directory: Self.directory + "/").refresh(
            users: ["alice": "alice", "bob.plus.x": "bob+x"], now: Self.now)
        #expect(failures.isEmpty)
        let alice = try #require(try entry("alice"))
        #expect(alice.keys == [KeyCacheEntry.Key(id: "K1", line: TestKeys.ed25519)])
        #expect(alice.iamUserName == "alice" && alice.fetchedAt == Self.now)
        #expect(alice.iamUserID == "AIDAALICE")
        #expect(try entry("bob.plus.x")?.keys == [])
        let path = Self.directory + "/user-alice.json"
        #expect(fs.writes.contains(.init(path: path, mode: 0o600, owner: FileOwner(uid: 990, gid: 990))))
        #expect(fs.writes.allSatisfy { $0.owner == FileOwner(uid: 990, gid: 990) && $0.mode == 0o600 })
        #expect(log.text.contains("IAM SSH key K2 of alice dropped"))
        #expect(!iam.calls.contains { $0.hasPrefix("ListGroupsForUser") })
    }

    @Test func removesEntriesOfUsersNoLongerManagedAndLeavesOtherFiles() throws {
        fs.addDirectory(Self.directory, mode: 0o700, uid: 990)
        for name in ["user-carol.json", "user-alice.json", "assumed-role-credentials.json", "user-.json"] {
            fs.addFile(Self.directory + "/" + name, Array("{}".utf8), mode: 0o600, uid: 990)
        }
        iam.setKeys("alice", [.init(id: "K1", body: TestKeys.ed25519)])
        #expect(snapshot().refresh(users: ["alice": "alice"], now: Self.now).isEmpty)
        #expect(fs.removals == [Self.directory + "/user-carol.json"])
        #expect(fs.node(Self.directory + "/assumed-role-credentials.json") != nil)
        #expect(fs.node(Self.directory + "/user-.json") != nil)
        #expect(try entry("alice")?.keys.count == 1)
    }

    @Test func noManagedUserMeansNoIAMCallAndAnEmptyCache() throws {
        fs.addDirectory(Self.directory, mode: 0o700, uid: 990)
        fs.addFile(Self.directory + "/user-alice.json", [], mode: 0o600, uid: 990)
        #expect(snapshot(iamFails: true).refresh(users: [:], now: Self.now).isEmpty)
        #expect(fs.removals == [Self.directory + "/user-alice.json"])
        #expect(iam.calls.isEmpty)
    }

    @Test func aFailedReadIsReportedAndKeepsThatUsersPreviousEntry() throws {
        fs.addDirectory(Self.directory, mode: 0o700, uid: 990)
        let old = KeyCacheEntry(
            localUserName: "alice", iamUserName: "alice", iamUserID: "AIDAALICE",
            fetchedAt: Date(timeIntervalSince1970: 5),
            keys: [.init(id: "K0", line: TestKeys.second)])
        fs.addFile(Self.directory + "/user-alice.json", try old.encoded(), mode: 0o600, uid: 990)
        iam.setKeys("alice", [.init(id: "K1", body: TestKeys.ed25519)])
        iam.setKeys("bob", [.init(id: "K2", body: TestKeys.second)])
        iam.failGet("K1", Self.throttled)
        let failures = snapshot().refresh(users: ["alice": "alice", "bob": "bob"], now: Self.now)
        #expect(failures.count == 1)
        #expect(failures.first?.contains("alice") == true && failures.first?.contains("Throttling") == true)
        #expect(try entry("alice") == old)
        #expect(try entry("bob")?.keys == [KeyCacheEntry.Key(id: "K2", line: TestKeys.second)])
    }

    @Test func anIAMUserThatVanishedLosesItsEntryWithoutAFailure() throws {
        fs.addDirectory(Self.directory, mode: 0o700, uid: 990)
        fs.addFile(Self.directory + "/user-alice.json", [], mode: 0o600, uid: 990)
        #expect(snapshot().refresh(users: ["alice": "alice"], now: Self.now).isEmpty)
        #expect(fs.removals == [Self.directory + "/user-alice.json"])
        #expect(log.text.contains("IAM user alice no longer exists"))
    }

    @Test func noIAMClientIsAFailure() {
        fs.addDirectory(Self.directory, mode: 0o700, uid: 990)
        let failures = snapshot(iamFails: true).refresh(users: ["alice": "alice"], now: Self.now)
        #expect(failures.count == 1 && failures.first?.contains("no IAM client") == true)
        #expect(fs.writes.isEmpty)
    }

    @Test func anUnwritableEntryIsAFailure() {
        fs.addDirectory(Self.directory, mode: 0o700, uid: 990)
        iam.setKeys("alice", [.init(id: "K1", body: TestKeys.ed25519)])
        fs.failWrites(true)
        let failures = snapshot().refresh(users: ["alice": "alice"], now: Self.now)
        #expect(failures.count == 1 && failures.first?.contains("cannot write") == true)
    }

    @Test(arguments: [
        (UInt32(0o700), UInt32(0)), (0o700, 990), (0o755, 990), (0o700, 65_534), (0o700, 999),
    ])
    func directoriesOfRootOrASystemUserAreWritten(mode: UInt32, uid: UInt32) throws {
        fs.addDirectory(Self.directory, mode: mode, uid: uid)
        iam.setKeys("alice", [.init(id: "K1", body: TestKeys.ed25519)])
        #expect(snapshot().refresh(users: ["alice": "alice"], now: Self.now).isEmpty)
        #expect(fs.writes.map(\.owner) == [FileOwner(uid: uid, gid: uid)])
    }

    @Test(arguments: [
        (FileType.directory, UInt32(0o770), UInt32(990), "lets the group or others write"),
        (.directory, 0o702, 990, "lets the group or others write"),
        (.directory, 0o700, 1000, "a regular user's UID"),
        (.directory, 0o700, 60_000, "a regular user's UID"),
        (.directory, 0o700, 70_001, "a regular user's UID"),
        (.symbolicLink, 0o777, 0, "symbolic link"),
        (.regular, 0o600, 990, "not a directory"),
    ])
    func unsafeDirectoriesAreNeverWritten(type: FileType, mode: UInt32, uid: UInt32, problem: String) {
        switch type {
        case .directory: fs.addDirectory(Self.directory, mode: mode, uid: uid)
        case .symbolicLink: fs.addSymlink(Self.directory)
        default: fs.addFile(Self.directory, [], mode: mode, uid: uid)
        }
        iam.setKeys("alice", [.init(id: "K1", body: TestKeys.ed25519)])
        let failures = snapshot(managedUIDRange: 70_000...70_999).refresh(users: ["alice": "alice"], now: Self.now)
        #expect(failures.count == 1 && failures.first?.contains(problem) == true)
        #expect(fs.writes.isEmpty && fs.removals.isEmpty && iam.calls.isEmpty)
    }

    @Test(arguments: [(UInt32(0o777), UInt32(0)), (0o755, 990)])
    func aParentOthersCouldChangeIsRefused(mode: UInt32, uid: UInt32) {
        fs.addDirectory("/var/cache", mode: mode, uid: uid)
        fs.addDirectory(Self.directory, mode: 0o700, uid: 990)
        let failures = snapshot().refresh(users: ["alice": "alice"], now: Self.now)
        #expect(failures.count == 1 && failures.first?.contains("its parent /var/cache is owned by UID \(uid)") == true)
        #expect(fs.writes.isEmpty && fs.removals.isEmpty && iam.calls.isEmpty)
    }

    @Test func aMissingDirectoryIsAFailureNamingInstallSh() {
        let failures = snapshot().refresh(users: ["alice": "alice"], now: Self.now)
        #expect(failures.count == 1 && failures.first?.contains("does not exist; install.sh") == true)
        #expect(iam.calls.isEmpty && fs.node(Self.directory) == nil)
    }

    @Test func forgetRemovesTheEntriesOfDeletedAccountsOnly() throws {
        fs.addDirectory(Self.directory, mode: 0o700, uid: 990)
        for name in ["user-carol.json", "user-alice.json"] {
            fs.addFile(Self.directory + "/" + name, Array("{}".utf8), mode: 0o600, uid: 990)
        }
        #expect(snapshot(iamFails: true).forget(localNames: ["carol", "dave"]).isEmpty)
        #expect(fs.node(Self.directory + "/user-carol.json") == nil)
        #expect(fs.node(Self.directory + "/user-alice.json") != nil)
        #expect(iam.calls.isEmpty)
    }

    @Test func forgetWithoutACacheDirectoryHasNothingToDo() {
        #expect(snapshot().forget(localNames: ["carol"]).isEmpty)
        #expect(fs.removals.isEmpty)
    }

    @Test func forgetNeverWritesIntoAnUnsafeDirectory() {
        fs.addDirectory(Self.directory, mode: 0o777, uid: 1000)
        fs.addFile(Self.directory + "/user-carol.json", [], mode: 0o600, uid: 1000)
        let failures = snapshot().forget(localNames: ["carol"])
        #expect(failures.count == 1 && failures.first?.contains("carol") == true)
        #expect(fs.removals.isEmpty)
    }

    @Test func loginDefsDecidesWhichUIDsAreRegularUsers() {
        fs.addFile("/etc/login.defs", Array("UID_MIN 500\nUID_MAX 900\n".utf8))
        fs.addDirectory(Self.directory, mode: 0o700, uid: 600)
        iam.setKeys("alice", [.init(id: "K1", body: TestKeys.ed25519)])
        let failures = snapshot().refresh(users: ["alice": "alice"], now: Self.now)
        #expect(failures.first?.contains("owned by UID 600") == true)
    }
}
