import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct ManagedUsersIndexTests {
    let created = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func listsOnlyActiveAccountsWithTheirExpiry() {
        let state = ManagedState(accounts: [
            "alice": .init(iamUserName: "alice", iamUserID: "AIDA1", uid: 70001, createdAt: created),
            "bob": .init(iamUserName: "bob", iamUserID: "AIDA2", uid: nil, createdAt: created, status: .creating),
            "carol": .init(iamUserName: "carol", iamUserID: "AIDA3", uid: 70003, createdAt: created, status: .deleting),
            "d.at.x": .init(iamUserName: "d@x", iamUserID: "AIDA4", uid: 70004, createdAt: created),
        ])
        let expiry = Date(timeIntervalSince1970: 1_800_000_000)
        let index = ManagedUsersIndex(state: state, accessExpiries: ["d@x": expiry])
        #expect(Set(index.users.keys) == ["alice", "d.at.x"])
        #expect(
            index.users["d.at.x"]
                == .init(iamUserName: "d@x", iamUserID: "AIDA4", accessExpiresAt: expiry, uid: 70004))
        #expect(index.users["alice"]?.accessExpiresAt == nil)
    }

    @Test(arguments: [ManagedState.Lock.locking, .locked, .unlocking])
    func leavesOutAccountsImportUsersLocked(lock: ManagedState.Lock) {
        let state = ManagedState(accounts: [
            "alice": .init(iamUserName: "alice", iamUserID: "AIDA1", uid: 70001, createdAt: created),
            "bob": .init(iamUserName: "bob", iamUserID: "AIDA2", uid: 70002, createdAt: created, lock: lock),
        ])
        #expect(ManagedUsersIndex(state: state).users.keys.sorted() == ["alice"])
    }

    @Test func carriesTheARNsKnownForActiveAccounts() throws {
        let state = ManagedState(accounts: [
            "alice": .init(iamUserName: "alice", iamUserID: "AIDA1", uid: 70001, createdAt: created),
            "bob": .init(iamUserName: "bob", iamUserID: "AIDA2", uid: 70002, createdAt: created),
            "carol": .init(iamUserName: "carol", iamUserID: "AIDA3", uid: 70003, createdAt: created, status: .deleting),
        ])
        let arns = ["alice": "arn:aws:iam::1:user/alice", "carol": "arn:aws:iam::1:user/carol"]
        let index = ManagedUsersIndex(state: state, arns: arns)
        #expect(index.users["alice"]?.iamUserARN == "arn:aws:iam::1:user/alice")
        #expect(index.users["bob"] != nil && index.users["bob"]?.iamUserARN == nil)
        #expect(index.users["carol"] == nil)
        let json = String(decoding: try index.encoded(), as: UTF8.self)
        #expect(json.contains("\"iamUserARN\":\"arn:aws:iam::1:user"))
        #expect(try ManagedUsersIndex.decoded(from: try index.encoded(), path: "/x") == index)
    }

    @Test func roundTripsThroughJSON() throws {
        let index = ManagedUsersIndex(users: [
            "alice": .init(iamUserName: "alice", iamUserID: "AIDA1", accessExpiresAt: created)
        ])
        let data = try index.encoded()
        #expect(data.last == 0x0a)
        #expect(try ManagedUsersIndex.decoded(from: data, path: "/x") == index)
    }

    @Test func recordsEachAccountsUID() throws {
        let state = ManagedState(accounts: [
            "alice": .init(iamUserName: "alice", iamUserID: "AIDA1", uid: 70001, createdAt: created)
        ])
        let json = String(decoding: try ManagedUsersIndex(state: state).encoded(), as: UTF8.self)
        #expect(json.contains("\"uid\":70001"))
    }

    @Test func decodesAnOlderFileWithoutTheNewerFields() throws {
        let text = "{\"version\": 1, \"users\": {\"alice\": {\"iamUserName\": \"alice\", \"iamUserID\": \"AIDA1\"}}}"
        let index = try ManagedUsersIndex.decoded(from: Data(text.utf8), path: "/x")
        #expect(index.users["alice"] == .init(iamUserName: "alice", iamUserID: "AIDA1"))
        #expect(index.users["alice"]?.uid == nil && index.users["alice"]?.iamUserARN == nil)
    }

    @Test(arguments: [
        ("{", "corrupt"),
        ("{\"version\": 99, \"users\": {}}", "schema version 99"),
        ("{\"version\": 1}", "corrupt"),
    ])
    func rejectsUnusableFiles(text: String, expected: String) {
        do {
            _ = try ManagedUsersIndex.decoded(from: Data(text.utf8), path: "/var/lib/aws-ec2-ssh/managed-users.json")
            Issue.record("accepted \(text)")
        } catch {
            #expect("\(error)".contains(expected))
            #expect("\(error)".hasPrefix("/var/lib/aws-ec2-ssh/managed-users.json: "))
        }
    }

    // MARK: - Merging a run's observations with the previous index

    /// alice is seen this run, bob is not (an incomplete read), carol's IAM user was re-created (another UserId).
    func mergeFixtures() -> (state: ManagedState, previous: ManagedUsersIndex) {
        let state = ManagedState(accounts: [
            "alice": .init(iamUserName: "alice", iamUserID: "AIDA1", uid: 70001, createdAt: created),
            "bob": .init(iamUserName: "bob", iamUserID: "AIDA2", uid: 70002, createdAt: created),
            "carol": .init(iamUserName: "carol", iamUserID: "AIDA3NEW", uid: 70003, createdAt: created),
        ])
        let old = Date(timeIntervalSince1970: 1_750_000_000)
        let previous = ManagedUsersIndex(users: [
            "alice": .init(iamUserName: "alice", iamUserID: "AIDA1", accessExpiresAt: old, iamUserARN: "arn:old/alice"),
            "bob": .init(iamUserName: "bob", iamUserID: "AIDA2", accessExpiresAt: old, iamUserARN: "arn:old/bob"),
            "carol": .init(iamUserName: "carol", iamUserID: "AIDA3", accessExpiresAt: old, iamUserARN: "arn:old/carol"),
        ])
        return (state, previous)
    }

    @Test func arnsComeFromThisRunElseFromThePreviousEntryOfTheSameUserID() {
        let (state, previous) = mergeFixtures()
        let index = ManagedUsersIndex(
            state: state, observed: .init(arns: ["alice": "arn:new/alice"]), previous: previous)
        #expect(index.users.mapValues(\.iamUserARN) == ["alice": "arn:new/alice", "bob": "arn:old/bob", "carol": nil])
        let fresh = ManagedUsersIndex(state: state, observed: .init(arns: ["alice": "arn:new/alice"]), previous: nil)
        #expect(fresh.users.mapValues(\.iamUserARN) == ["alice": "arn:new/alice", "bob": nil, "carol": nil])
    }

    @Test func aFailedTagReadNeverLiftsAnExpiryButAReadOneDoes() {
        let (state, previous) = mergeFixtures()
        let new = Date(timeIntervalSince1970: 1_900_000_000)
        // alice's tags were read and carry a new expiry; carol's were read and carry none; bob's could not be read.
        let observed = ManagedUsersIndex.Observations(tagsRead: ["alice", "carol"], accessExpiries: ["alice": new])
        let index = ManagedUsersIndex(state: state, observed: observed, previous: previous)
        #expect(
            index.users.mapValues(\.accessExpiresAt)
                == ["alice": new, "bob": previous.users["bob"]?.accessExpiresAt, "carol": nil])
        // A re-created IAM user does not inherit the expiry of the old one.
        let unread = ManagedUsersIndex(state: state, observed: .init(tagsRead: []), previous: previous)
        #expect(unread.users["carol"]?.accessExpiresAt == nil)
        #expect(unread.users["bob"]?.accessExpiresAt == previous.users["bob"]?.accessExpiresAt)
    }

    @Test func withoutAnExpiryTagNoExpiryIsKept() {
        let (state, previous) = mergeFixtures()
        let index = ManagedUsersIndex(state: state, observed: .init(tagsRead: nil), previous: previous)
        #expect(index.users.values.allSatisfy { $0.accessExpiresAt == nil })
    }

    @Test func mergingLeavesOutLockedAndDeletingAccounts() {
        var (state, previous) = mergeFixtures()
        state.accounts["bob"]?.lock = .locked
        state.accounts["carol"]?.status = .deleting
        let index = ManagedUsersIndex(state: state, observed: .init(tagsRead: []), previous: previous)
        #expect(index.users.keys.sorted() == ["alice"])
    }

    /// Each case: what the run observed, and whether the previous index can change the result.
    @Test(arguments: [
        (["alice", "bob", "carol"], nil as [String]?, false),
        (["alice", "carol"], nil as [String]?, true),
        (["alice", "bob", "carol"], ["alice", "bob", "carol"] as [String]?, false),
        (["alice", "bob", "carol"], ["alice", "carol"] as [String]?, true),
        (["alice", "bob", "carol"], [] as [String]?, true),
    ])
    func thePreviousIndexIsNeededOnlyForWhatTheRunDidNotObserve(
        arnsOf: [String], tagsRead: [String]?, needed: Bool
    ) {
        let (state, previous) = mergeFixtures()
        let observed = ManagedUsersIndex.Observations(
            arns: Dictionary(uniqueKeysWithValues: arnsOf.map { ($0, "arn:new/\($0)") }),
            tagsRead: tagsRead.map(Set.init))
        #expect(ManagedUsersIndex.needsPrevious(state: state, observed: observed) == needed)
        if !needed {
            #expect(
                ManagedUsersIndex(state: state, observed: observed, previous: previous)
                    == ManagedUsersIndex(state: state, observed: observed, previous: nil))
        } else {
            #expect(
                ManagedUsersIndex(state: state, observed: observed, previous: previous)
                    != ManagedUsersIndex(state: state, observed: observed, previous: nil))
        }
    }

    @Test func accountsThatAreNotActiveNeverNeedThePreviousIndex() {
        var (state, _) = mergeFixtures()
        state.accounts["bob"]?.status = .deleting
        let observed = ManagedUsersIndex.Observations(arns: ["alice": "a", "carol": "c"])
        #expect(!ManagedUsersIndex.needsPrevious(state: state, observed: observed))
    }
}
