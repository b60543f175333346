import AWSCore
import EC2SSHSystem
import Synchronization
import Testing

@testable import EC2SSHShared
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct KeyCacheTests {
    let directory = "/var/cache/aws-ec2-ssh"

    func filesystem() -> MemoryFileSystem {
        let fs = MemoryFileSystem(runningUID: 990)
        fs.addDirectory("/var")
        fs.addDirectory("/var/cache")
        return fs
    }

    @Test func aPrivateDirectoryOfTheRunningUserIsTrusted() throws {
        let fs = filesystem()
        fs.addDirectory(directory, mode: 0o700, uid: 990)
        #expect(try KeyCache.open(directory: directory + "/", fileSystem: fs, uid: 990).directory == directory)
    }

    @Test func aMissingDirectoryIsCreatedPrivate() throws {
        let fs = filesystem()
        _ = try KeyCache.open(directory: directory, fileSystem: fs, uid: 990)
        #expect(fs.node(directory) == .init(type: .directory, mode: 0o700, uid: 990, gid: 990))
    }

    @Test(arguments: [
        (UInt32(0o700), UInt32(0), "owned by UID 0"),
        (0o750, 990, "mode 0750"),
        (0o701, 990, "mode 0701"),
        (0o777, 990, "mode 0777"),
    ])
    func untrustedDirectoriesAreRefused(mode: UInt32, uid: UInt32, problem: String) {
        let fs = filesystem()
        fs.addDirectory(directory, mode: mode, uid: uid)
        #expect {
            _ = try KeyCache.open(directory: directory, fileSystem: fs, uid: 990)
        } throws: { error in
            "\(error)".contains(problem)
        }
    }

    @Test func aFileInPlaceOfTheDirectoryIsRefused() {
        let fs = filesystem()
        fs.addFile(directory, [], mode: 0o600, uid: 990)
        #expect(throws: KeyCacheError.self) { try KeyCache.open(directory: directory, fileSystem: fs, uid: 990) }
    }

    @Test func anUncreatableDirectoryIsReported() {
        let fs = MemoryFileSystem(runningUID: 990)
        #expect(throws: KeyCacheError.self) { try KeyCache.open(directory: directory, fileSystem: fs, uid: 990) }
    }

    @Test func entriesRoundTripWithMode0600() throws {
        let fs = filesystem()
        fs.addDirectory(directory, mode: 0o700, uid: 990)
        let cache = try KeyCache.open(directory: directory, fileSystem: fs, uid: 990)
        let entry = KeyCacheEntry(
            localUserName: "bob.plus.admin", iamUserName: "bob+admin", iamUserID: "AIDABOB",
            fetchedAt: Date(timeIntervalSince1970: 1.5),
            keys: [.init(id: "K1", line: TestKeys.ed25519)])
        try cache.save(entry)
        #expect(try cache.load(localName: "bob.plus.admin") == entry)
        #expect(fs.writes == [.init(path: directory + "/user-bob.plus.admin.json", mode: 0o600, owner: nil)])
        #expect(try cache.load(localName: "alice") == nil)
        try cache.remove(localName: "bob.plus.admin")
        #expect(try cache.load(localName: "bob.plus.admin") == nil)
    }

    @Test(arguments: [
        (UInt32(0o644), UInt32(990)),
        (0o600, 0),
        (0o660, 990),
    ])
    func entriesWithTheWrongOwnerOrModeAreRefused(mode: UInt32, uid: UInt32) throws {
        let fs = filesystem()
        fs.addDirectory(directory, mode: 0o700, uid: 990)
        let cache = try KeyCache.open(directory: directory, fileSystem: fs, uid: 990)
        let entry = KeyCacheEntry(
            localUserName: "alice", iamUserName: "alice", iamUserID: "AIDAALICE", fetchedAt: Date(), keys: [])
        fs.addFile(cache.path(for: "alice"), try entry.encoded(), mode: mode, uid: uid)
        #expect(throws: KeyCacheError.self) { try cache.load(localName: "alice") }
    }

    @Test func aSymlinkedEntryIsRefused() throws {
        let fs = filesystem()
        fs.addDirectory(directory, mode: 0o700, uid: 990)
        let cache = try KeyCache.open(directory: directory, fileSystem: fs, uid: 990)
        fs.addSymlink(cache.path(for: "alice"))
        #expect(throws: KeyCacheError.self) { try cache.load(localName: "alice") }
    }

    @Test(arguments: [
        "{", "[]", "{\"version\":99,\"localUserName\":\"alice\",\"iamUserName\":\"alice\",\"fetchedAt\":1,\"keys\":[]}",
    ])
    func corruptOrNewerEntriesAreRefused(text: String) throws {
        let fs = filesystem()
        fs.addDirectory(directory, mode: 0o700, uid: 990)
        let cache = try KeyCache.open(directory: directory, fileSystem: fs, uid: 990)
        fs.addFile(cache.path(for: "alice"), Array(text.utf8), mode: 0o600, uid: 990)
        #expect(throws: KeyCacheError.self) { try cache.load(localName: "alice") }
    }

    @Test func anEntryFiledUnderAnotherNameIsRefused() throws {
        let fs = filesystem()
        fs.addDirectory(directory, mode: 0o700, uid: 990)
        let cache = try KeyCache.open(directory: directory, fileSystem: fs, uid: 990)
        let entry = KeyCacheEntry(
            localUserName: "mallory", iamUserName: "mallory", iamUserID: "AIDAM", fetchedAt: Date(), keys: [])
        fs.addFile(cache.path(for: "alice"), try entry.encoded(), mode: 0o600, uid: 990)
        #expect(throws: KeyCacheError.self) { try cache.load(localName: "alice") }
    }

    @Test func invalidNamesAreNeverWritten() throws {
        let fs = filesystem()
        fs.addDirectory(directory, mode: 0o700, uid: 990)
        let cache = try KeyCache.open(directory: directory, fileSystem: fs, uid: 990)
        let entry = KeyCacheEntry(
            localUserName: "../x", iamUserName: "x", iamUserID: "AIDAX", fetchedAt: Date(), keys: [])
        #expect(throws: KeyCacheError.self) { try cache.save(entry) }
        try cache.remove(localName: "../x")
        #expect(fs.writes.isEmpty)
        #expect(fs.removals.isEmpty)
    }
}

@Suite struct KeyCacheCredentialsStoreTests {
    let role = "arn:aws:iam::123456789012:role/ssh-reader"
    let credentials = Credentials(
        accessKeyID: "ASIAEXAMPLE", secretAccessKey: "s3cr3t-value", sessionToken: "token-value",
        expiration: Date(timeIntervalSince1970: 1_800_003_600))

    func cache() -> (KeyCache, MemoryFileSystem) {
        let fs = MemoryFileSystem(runningUID: 990)
        fs.addDirectory("/c", mode: 0o700, uid: 990)
        return (KeyCache(directory: "/c", fileSystem: fs, uid: 990), fs)
    }

    @Test func credentialsRoundTripInAPrivateFilePerRole() {
        let (cache, fs) = cache()
        let store = FileCredentialsStore(roleARN: role, cache: cache) { Issue.record("unexpected: \($0)") }
        #expect(store.load() == nil)
        store.save(credentials)
        #expect(store.load() == credentials)
        #expect(fs.node(store.path)?.mode == 0o600)
        #expect(store.path.hasPrefix("/c/assume-role-"))
        let other = FileCredentialsStore(roleARN: role + "2", cache: cache)
        #expect(other.path != store.path)
        #expect(other.load() == nil)
    }

    @Test func aFileOfAnotherRoleOrOwnerIsIgnoredWithoutQuotingIt() throws {
        let (cache, fs) = cache()
        let problems = LogCapture()
        let store = FileCredentialsStore(roleARN: role, cache: cache) { problems.append($0) }
        store.save(credentials)
        let bytes = try #require(fs.node(store.path)?.bytes)
        fs.addFile(store.path, bytes, mode: 0o644, uid: 990)
        #expect(store.load() == nil)
        fs.addFile(store.path, Array("{\"secretAccessKey\":\"s3cr3t-value\"".utf8), mode: 0o600, uid: 990)
        #expect(store.load() == nil)
        #expect(problems.all.count == 2)
        #expect(problems.all.allSatisfy { !$0.contains("s3cr3t") })
    }

    @Test func aFailedSaveIsReportedNotThrown() {
        let (cache, fs) = cache()
        fs.failWrites(true)
        let problems = LogCapture()
        FileCredentialsStore(roleARN: role, cache: cache) { problems.append($0) }.save(credentials)
        #expect(problems.all.count == 1)
        #expect(problems.all.allSatisfy { !$0.contains("s3cr3t") })
    }

    @Test func assumedRoleCredentialsAreReusedAcrossProcessesUntilShortlyBeforeExpiry() throws {
        let (cache, _) = cache()
        let clock = FakeClock(now: Date(timeIntervalSince1970: 1_800_000_000), sleeping: .advancesTheClock)
        let assumer = FakeRoleAssumer()
        assumer.reply(.success(credentials))
        assumer.reply(.success(credentials))
        func provider() -> AssumeRoleCredentialsProvider {
            AssumeRoleCredentialsProvider(
                roleARN: role, sessionName: "aws-ec2-ssh-test", assumer: assumer, time: clock,
                store: FileCredentialsStore(roleARN: role, cache: cache))
        }
        #expect(try provider().credentials() == credentials)
        #expect(try provider().credentials() == credentials)
        #expect(assumer.calls.count == 1)
        clock.advance(by: 3600 - 200)
        _ = try? provider().credentials()
        #expect(assumer.calls.count == 2)
    }
}
