import EC2SSHSystem
import Testing

/// A passwd database holding only the users a test gives it; group queries are not expected.
struct KeyFakeAccounts: AccountDatabase {
    var users: [LocalUser] = []
    var failure: SystemError?

    init(_ users: [(String, UInt32)] = [], failure: SystemError? = nil) {
        self.users = users.map {
            LocalUser(name: $0.0, uid: $0.1, gid: $0.1, home: "/home/\($0.0)", shell: "/bin/bash")
        }
        self.failure = failure
    }

    func user(named name: String) throws -> LocalUser? {
        if let failure { throw failure }
        return users.first { $0.name == name }
    }

    func user(uid: UInt32) throws -> LocalUser? {
        users.first { $0.uid == uid }
    }

    func group(named name: String) throws -> LocalGroup? {
        Issue.record("unexpected group lookup \(name)")
        return nil
    }

    func allUsers() throws -> [LocalUser] { users }

    func allGroups() throws -> [LocalGroup] {
        Issue.record("unexpected group listing")
        return []
    }
}
