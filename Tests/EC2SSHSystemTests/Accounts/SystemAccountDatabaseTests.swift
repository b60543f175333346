import Testing

@testable import EC2SSHSystem

@Suite struct SystemAccountDatabaseTests {
    let accounts = SystemAccountDatabase()

    @Test func rootIsUserZero() throws {
        let root = try #require(try accounts.user(named: "root"))
        #expect(root.uid == 0)
        #expect(root.gid == 0)
        #expect(root.home.hasPrefix("/"))
        #expect(!root.shell.isEmpty)
        #expect(try accounts.user(uid: 0) == root)
    }

    @Test func nobodyExists() throws {
        let nobody = try #require(try accounts.user(named: "nobody"))
        #expect(nobody.uid != 0)
        #expect(try accounts.user(uid: nobody.uid)?.name == "nobody")
    }

    @Test(arguments: ["ec2ssh-no-such-user-x7", "", "a\0b", "root "])
    func madeUpUsersAreNil(name: String) throws {
        #expect(try accounts.user(named: name) == nil)
        #expect(try accounts.group(named: name) == nil)
    }

    @Test func madeUpUIDIsNil() throws {
        #expect(try accounts.user(uid: 3_999_999_999) == nil)
    }

    @Test func rootGroupIsGroupZero() throws {
        let group = try #require(try accounts.group(named: "root"))
        #expect(group.gid == 0)
    }

    @Test func enumerationFindsRootAndAgreesWithLookups() throws {
        let users = try accounts.allUsers()
        let groups = try accounts.allGroups()
        #expect(users.contains { $0.name == "root" && $0.uid == 0 })
        #expect(groups.contains { $0.name == "root" && $0.gid == 0 })
        #expect(Set(users.map(\.name)).count == users.count)
        for user in users.prefix(5) {
            #expect(try accounts.user(named: user.name) == user)
        }
        for group in groups.prefix(5) {
            #expect(try accounts.group(named: group.name) == group)
        }
    }

    @Test func supplementaryGroupsComeFromGroupMemberLists() throws {
        for group in try accounts.allGroups() {
            for member in group.members {
                #expect(try accounts.groups(of: member).contains(group.name))
            }
        }
        #expect(try accounts.groups(of: "ec2ssh-no-such-user-x7") == [])
    }

    @Test func enumerationIsSafeFromManyThreads() async throws {
        let expected = try accounts.allGroups()
        try await withThrowingTaskGroup(of: [LocalGroup].self) { group in
            for _ in 0..<8 {
                group.addTask { try SystemAccountDatabase().allGroups() }
            }
            for try await result in group {
                #expect(result == expected)
            }
        }
    }

    @Test func defaultGroupsOfScansMemberLists() throws {
        let fake = FixedAccounts(groups: [
            LocalGroup(name: "iam-synced-users", gid: 500, members: ["alice", "bob"]),
            LocalGroup(name: "sudo", gid: 27, members: ["bob"]),
            LocalGroup(name: "alice", gid: 2000, members: []),
        ])
        #expect(try fake.groups(of: "alice") == ["iam-synced-users"])
        #expect(try fake.groups(of: "bob") == ["iam-synced-users", "sudo"])
        #expect(try fake.groups(of: "carol") == [])
    }
}

/// An account database with fixed groups; user lookups are not expected and fail the test.
private struct FixedAccounts: AccountDatabase {
    var groups: [LocalGroup]

    func user(named name: String) throws -> LocalUser? {
        Issue.record("unexpected user lookup \(name)")
        return nil
    }

    func user(uid: UInt32) throws -> LocalUser? {
        Issue.record("unexpected user lookup \(uid)")
        return nil
    }

    func group(named name: String) throws -> LocalGroup? { groups.first { $0.name == name } }

    func allUsers() throws -> [LocalUser] {
        Issue.record("unexpected user enumeration")
        return []
    }

    func allGroups() throws -> [LocalGroup] { groups }
}
