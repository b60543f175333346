import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct ManagedUsersIndexLookupTests {
    static let path = "/var/lib/aws-ec2-ssh/managed-users.json"

    /// An index of `count` users with names of varied shapes and lengths, in no particular order.
    static func index(count: Int) -> ManagedUsersIndex {
        var users: [String: ManagedUsersIndex.Entry] = [:]
        for number in 0..<count {
            let name = ["u\(number)", "user.\(number * 7919 % 10_007)", "a-\(number)_x", "Z\(number)"][number % 4]
            users[name] = .init(
                iamUserName: name, iamUserID: "AIDA\(number)",
                accessExpiresAt: number % 3 == 0 ? Date(timeIntervalSince1970: 1_800_000_000) : nil,
                iamUserARN: "arn:aws:iam::1:user/path/\(name)", uid: UInt32(70_000 + number))
        }
        return ManagedUsersIndex(users: users)
    }

    @Test func writesOneUserPerLineSortedByName() throws {
        let index = ManagedUsersIndex(users: [
            "bob": .init(iamUserName: "bob", iamUserID: "AIDA2", uid: 70002),
            "Alice": .init(iamUserName: "Alice", iamUserID: "AIDA1", uid: 70001),
            "a.b": .init(iamUserName: "a.b", iamUserID: "AIDA3"),
        ])
        let text = String(decoding: try index.encoded(), as: UTF8.self)
        #expect(
            text == """
                {"version":1,"users":{
                "Alice":{"iamUserID":"AIDA1","iamUserName":"Alice","uid":70001},
                "a.b":{"iamUserID":"AIDA3","iamUserName":"a.b"},
                "bob":{"iamUserID":"AIDA2","iamUserName":"bob","uid":70002}
                }}

                """)
        #expect(try ManagedUsersIndex.decoded(from: try index.encoded(), path: Self.path) == index)
    }

    @Test(arguments: [0, 1, 2, 3, 10, 257, 2000])
    func findsEveryListedUserAndNoOther(count: Int) throws {
        let index = Self.index(count: count)
        let bytes = Array(try index.encoded())
        #expect(bytes.starts(with: ManagedUsersIndex.sortedLinesHeader))
        for (name, entry) in index.users {
            #expect(try ManagedUsersIndexLookup.entry(for: name, in: bytes, path: Self.path) == entry)
        }
        // Before the first name, after the last, between two, a prefix and an extension of listed names.
        for absent in ["0", "zzz", "u1x", "u", "user.", "a-1_", "Z1.", "-", "alice"] where index.users[absent] == nil {
            #expect(try ManagedUsersIndexLookup.entry(for: absent, in: bytes, path: Self.path) == nil)
        }
    }

    @Test(arguments: ["a\"b", "back\\slash", "with space", "tab\t", "é", "a/b", "\"", "\\"])
    func namesThatJSONEscapesAreFoundToo(name: String) throws {
        var users = Self.index(count: 20).users
        users[name] = .init(iamUserName: name, iamUserID: "AIDAODD")
        let bytes = Array(try ManagedUsersIndex(users: users).encoded())
        #expect(try ManagedUsersIndexLookup.entry(for: name, in: bytes, path: Self.path)?.iamUserID == "AIDAODD")
        #expect(try ManagedUsersIndexLookup.entry(for: "u4", in: bytes, path: Self.path)?.iamUserID == "AIDA4")
        #expect(try ManagedUsersIndex.decoded(from: Data(bytes), path: Self.path).users == users)
    }

    @Test func anIndexInTheEarlierPrettyLayoutIsDecodedWhole() throws {
        let text = """
            {
              "users" : {
                "alice" : {
                  "iamUserID" : "AIDA1",
                  "iamUserName" : "alice",
                  "uid" : 70001
                }
              },
              "version" : 1
            }

            """
        let bytes = Array(text.utf8)
        #expect(
            try ManagedUsersIndexLookup.entry(for: "alice", in: bytes, path: Self.path)
                == .init(iamUserName: "alice", iamUserID: "AIDA1", uid: 70001))
        #expect(try ManagedUsersIndexLookup.entry(for: "bob", in: bytes, path: Self.path) == nil)
        let newer = Array("{\"version\": 2, \"users\": {}}".utf8)
        #expect(throws: EC2SSHError.self) {
            try ManagedUsersIndexLookup.entry(for: "alice", in: newer, path: Self.path)
        }
    }

    @Test(arguments: [
        ("{\"version\":1,\"users\":{\n\"alice\":{\"iamUserID\":\"A\",\"iamUserName\":\"alice\"}\n", "does not end"),
        ("{\"version\":1,\"users\":{\n\"alice\":{\"iamUserID\":\"A\",\"iamUserName\":\"alice\"}}}\n", "does not end"),
        ("{\"version\":1,\"users\":{\nalice:{\"iamUserID\":\"A\",\"iamUserName\":\"alice\"}\n}}\n", "quoted user name"),
        ("{\"version\":1,\"users\":{\n\"alice\n}}\n", "not terminated"),
        ("{\"version\":1,\"users\":{\n\"alice\"{}\n}}\n", "no ':'"),
        ("{\"version\":1,\"users\":{\n\"alice\":{\"iamUserID\":\"A\"}\n}}\n", "corrupt"),
        ("{\"version\":1,\"users\":{\n\"alice\":{\"iamUserID\":\"A\",\"iamUserName\":\"alice\",\n}}\n", "corrupt"),
        ("{\"version\":1,\"users\":{\n}}", "does not end"),
    ])
    func aCorruptSortedFileIsAnErrorNamingThePath(text: String, expected: String) {
        do {
            let entry = try ManagedUsersIndexLookup.entry(for: "alice", in: Array(text.utf8), path: Self.path)
            Issue.record("accepted \(text.debugDescription): \(String(describing: entry))")
        } catch {
            #expect("\(error)".hasPrefix(Self.path + ": "), "\(error)")
            #expect("\(error)".contains(expected), "\(error)")
            #expect("\(error)".contains("the next import_users run rewrites it"))
        }
    }

    @Test func anEmptyIndexListsNobody() throws {
        let bytes = Array(try ManagedUsersIndex().encoded())
        #expect(String(decoding: bytes, as: UTF8.self) == "{\"version\":1,\"users\":{\n}}\n")
        #expect(try ManagedUsersIndexLookup.entry(for: "alice", in: bytes, path: Self.path) == nil)
    }
}
