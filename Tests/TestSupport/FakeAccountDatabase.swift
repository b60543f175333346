import EC2SSHSystem
import Testing

/// A passwd and group database holding only the users a test gives it, and the marker group.
///
/// The marker group (`iam-synced-users`, GID 1999) lists every given user unless `markerMembers` says otherwise;
/// any other group is missing, and listing all groups is not expected.
struct FakeAccountDatabase: AccountDatabase {
    static let markerGroup = "iam-synced-users"
    var users: [LocalUser] = []
    var failure: SystemError?
    /// The supplementary members of the marker group; `nil` when there is no marker group at all.
    var markerMembers: [String]?
    /// The failure of group lookups only.
    var groupFailure: SystemError?

    init(_ users: [(String, UInt32)] = [], failure: SystemError? = nil) {
        self.users = users.map {
            LocalUser(name: $0.0, uid: $0.1, gid: $0.1, home: "/home/\($0.0)", shell: "/bin/bash")
        }
        self.failure = failure
        self.markerMembers = users.map(\.0)
    }

    func user(named name: String) throws -> LocalUser? {
        if let failure { throw failure }
        return users.first { $0.name == name }
    }

    func user(uid: UInt32) throws -> LocalUser? {
        users.first { $0.uid == uid }
    }

    func group(named name: String) throws -> LocalGroup? {
        if let groupFailure { throw groupFailure }
        guard name == Self.markerGroup, let markerMembers else { return nil }
        return LocalGroup(name: name, gid: 1999, members: markerMembers)
    }

    func allUsers() throws -> [LocalUser] { users }

    func allGroups() throws -> [LocalGroup] {
        Issue.record("unexpected group listing")
        return []
    }
}
