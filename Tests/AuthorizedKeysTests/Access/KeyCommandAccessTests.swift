import EC2SSHCore
import EC2SSHSystem
import Testing

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct KeyCommandAccessTests {
    @Test(arguments: [
        ("alice", "alice"),
        ("bob.plus.admin", "bob+admin"),
        ("f.equal.l.comma.x.at.ex.com", "f=l,x@ex.com"),
        ("plain-name_1", "plain-name_1"),
    ])
    func localNamesMapBackToIAMNames(local: String, iam: String) {
        #expect(NameMapping.iamName(forLocalName: local) == iam)
        #expect(NameMapping.localName(forIAMName: iam) == local)
    }

    @Test func managedAccountIsGrantedWithItsIAMIdentity() throws {
        let harness = KeyCommandHarness()
        let grant = try harness.access.check(localName: "alice", now: harness.clock.now()).get()
        #expect(
            grant
                == KeyCommand.Grant(
                    localName: "alice", uid: 1500, iamUserName: "alice", iamUserID: "AIDAALICE",
                    iamUserARN: KeyCommandHarness.aliceARN))
        let bob = try harness.access.check(localName: "bob.plus.admin", now: harness.clock.now()).get()
        #expect(bob.iamUserName == "bob+admin")
    }

    /// Each case changes the healthy set-up in one way and names the refusal code it must cause.
    enum Case: String, CaseIterable, Sendable {
        case root, uidZero, systemUID, uidOneBelowMin, noAccount, invalidName, notInIndex, indexMissing
        case indexNotRootOwned, indexGroupWritable, indexWorldWritable, indexSymlink, stateDirWorldWritable
        case stateDirNotRootOwned, indexCorrupt, indexNewerSchema, nameMismatch, expired, expiresNow, lookupFails
        case uidChanged, notInMarkerGroup, noMarkerGroup, markerLookupFails
    }

    @Test(arguments: Case.allCases)
    func refusals(_ testCase: Case) {
        let harness = KeyCommandHarness()
        var user = "alice"
        let expected: String
        switch testCase {
        case .root:
            user = "root"
            expected = "root"
        case .uidZero:
            user = "toor"
            harness.index.users["toor"] = .init(iamUserName: "toor", iamUserID: "AIDATOOR")
            harness.writeIndex()
            expected = "uid-0"
        case .systemUID:
            user = "daemon"
            harness.index.users["daemon"] = .init(iamUserName: "daemon", iamUserID: "AIDAD")
            harness.writeIndex()
            expected = "system-account"
        case .uidOneBelowMin:
            harness.accounts = FakeAccountDatabase([("alice", 999)])
            expected = "system-account"
        case .noAccount:
            user = "mallory"
            harness.index.users["mallory"] = .init(iamUserName: "mallory", iamUserID: "AIDAM")
            harness.writeIndex()
            expected = "no-such-account"
        case .invalidName:
            user = "../etc"
            expected = "invalid-name"
        case .notInIndex:
            user = "ubuntu"
            expected = "not-managed"
        case .indexMissing:
            try? harness.fs.removeFile(harness.indexPath)
            expected = "index-missing"
        case .indexNotRootOwned:
            harness.writeIndex(uid: 1500)
            expected = "index-untrusted"
        case .indexGroupWritable:
            harness.writeIndex(mode: 0o664)
            expected = "index-untrusted"
        case .indexWorldWritable:
            harness.writeIndex(mode: 0o646)
            expected = "index-untrusted"
        case .indexSymlink:
            harness.fs.addSymlink(harness.indexPath)
            expected = "index-untrusted"
        case .stateDirWorldWritable:
            harness.fs.addDirectory(KeyCommandHarness.stateDir, mode: 0o777)
            expected = "index-untrusted"
        case .stateDirNotRootOwned:
            harness.fs.addDirectory(KeyCommandHarness.stateDir, uid: 990)
            expected = "index-untrusted"
        case .indexCorrupt:
            harness.fs.addFile(harness.indexPath, Array("{\"version\":".utf8))
            expected = "index-unreadable"
        case .indexNewerSchema:
            harness.index.version = ManagedUsersIndex.currentVersion + 1
            harness.writeIndex()
            expected = "index-unreadable"
        case .nameMismatch:
            harness.index.users["alice"] = .init(iamUserName: "alice2", iamUserID: "AIDAX")
            harness.writeIndex()
            expected = "name-mismatch"
        case .expired:
            harness.index.users["alice"]?.accessExpiresAt = harness.clock.now().addingTimeInterval(-1)
            harness.writeIndex()
            expected = "access-expired"
        case .expiresNow:
            harness.index.users["alice"]?.accessExpiresAt = harness.clock.now()
            harness.writeIndex()
            expected = "access-expired"
        case .lookupFails:
            harness.accounts = FakeAccountDatabase(
                [], failure: SystemError(.systemCall, operation: "getpwnam_r", subject: "alice", errno: 5))
            expected = "account-lookup-failed"
        case .uidChanged:
            // The managed account was deleted and re-created by hand under the same name.
            harness.accounts = FakeAccountDatabase([("alice", 1600)])
            expected = "uid-mismatch"
        case .notInMarkerGroup:
            harness.accounts.markerMembers = ["bob.plus.admin"]
            expected = "not-in-marker-group"
        case .noMarkerGroup:
            harness.accounts.markerMembers = nil
            expected = "not-in-marker-group"
        case .markerLookupFails:
            harness.accounts.groupFailure = SystemError(
                .systemCall, operation: "getgrnam_r", subject: FakeAccountDatabase.markerGroup, errno: 5)
            expected = "account-lookup-failed"
        }
        let result = harness.access.check(localName: user, now: harness.clock.now())
        guard case .failure(let refusal) = result else {
            Issue.record("\(testCase): expected refusal \(expected), got \(result)")
            return
        }
        #expect(refusal.code == expected)
        #expect(!refusal.description.isEmpty)
    }

    @Test func anIndexWithoutUIDsIsStillTrusted() throws {
        let harness = KeyCommandHarness()
        harness.index.users["alice"]?.uid = nil
        harness.writeIndex()
        #expect(try harness.access.check(localName: "alice", now: harness.clock.now()).get().uid == 1500)
    }

    @Test func theMarkerGroupAsPrimaryGroupCounts() throws {
        let harness = KeyCommandHarness()
        harness.accounts.markerMembers = []
        harness.accounts.users[0].gid = 1999
        #expect(try harness.access.check(localName: "alice", now: harness.clock.now()).get().localName == "alice")
    }

    @Test func accessValidUntilLaterIsGranted() {
        let harness = KeyCommandHarness()
        harness.index.users["alice"]?.accessExpiresAt = harness.clock.now().addingTimeInterval(60)
        harness.writeIndex()
        #expect((try? harness.access.check(localName: "alice", now: harness.clock.now()).get()) != nil)
    }

    @Test func refusedRunPrintsNothingAndLogsOneLineWithTheReason() {
        let harness = KeyCommandHarness()
        let outcome = harness.run("root")
        #expect(outcome.output.isEmpty)
        #expect(harness.iam.calls.isEmpty)
        #expect(harness.log.all.count == 1)
        #expect(harness.log.all.first?.contains("reason=root") == true)
    }

    @Test func rootCannotUseAnIAMUsersKeysEvenWhenListedInTheIndex() {
        let harness = KeyCommandHarness()
        harness.index.users["root"] = .init(iamUserName: "root", iamUserID: "AIDAROOT")
        harness.writeIndex()
        harness.iam.setKeys("root", [.init(id: "APKAROOT", body: TestKeys.ed25519)])
        #expect(harness.run("root").lines.isEmpty)
        #expect(harness.iam.calls.isEmpty)
    }

    @Test func aLargeSortedIndexIsSearchedForTheOneUser() throws {
        let harness = KeyCommandHarness()
        for number in 0..<5000 {
            harness.index.users["user\(number)"] = .init(iamUserName: "user\(number)", iamUserID: "AIDA\(number)")
        }
        harness.writeIndex()
        let bytes = try #require(try harness.fs.readFile(harness.indexPath))
        #expect(bytes.starts(with: ManagedUsersIndex.sortedLinesHeader))
        #expect(try harness.access.check(localName: "alice", now: harness.clock.now()).get().iamUserID == "AIDAALICE")
        #expect(
            try harness.access.check(localName: "bob.plus.admin", now: harness.clock.now()).get().iamUserName
                == "bob+admin")
        guard case .failure(let refusal) = harness.access.check(localName: "ubuntu", now: harness.clock.now()) else {
            Issue.record("ubuntu was granted")
            return
        }
        #expect(refusal == .notManaged)
    }

    /// An index written by an earlier version (pretty-printed, decoded whole) keeps working until the next import
    /// rewrites it.
    @Test func anIndexInTheEarlierPrettyLayoutStillWorks() throws {
        let harness = KeyCommandHarness()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        harness.fs.addFile(harness.indexPath, Array(try encoder.encode(harness.index)), mode: 0o644, uid: 0)
        #expect(try harness.access.check(localName: "alice", now: harness.clock.now()).get().iamUserID == "AIDAALICE")
        guard case .failure(let refusal) = harness.access.check(localName: "ubuntu", now: harness.clock.now()) else {
            Issue.record("ubuntu was granted")
            return
        }
        #expect(refusal == .notManaged)
    }

    /// A sorted index that is not what the layout says is refused as unreadable, never searched around.
    @Test func aCorruptSortedIndexIsRefused() throws {
        let harness = KeyCommandHarness()
        harness.writeIndex()
        var bytes = try #require(try harness.fs.readFile(harness.indexPath))
        bytes.removeLast(3)
        harness.fs.addFile(harness.indexPath, bytes, mode: 0o644, uid: 0)
        guard case .failure(let refusal) = harness.access.check(localName: "alice", now: harness.clock.now()) else {
            Issue.record("alice was granted from a truncated index")
            return
        }
        #expect(refusal.code == "index-unreadable")
    }
}
