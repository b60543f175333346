import Foundation
import Testing

@testable import EC2SSHCore

/// Taking back what a batch interrupted between two account files left: `AccountBatchJournal.undo(in:)`.
struct AccountBatchJournalTests {
    static let requests = [
        BatchAccount(name: "alice", uid: nil, groups: ["marker", "docker"]),
        BatchAccount(name: "bob", uid: 5005, groups: ["marker"]),
        BatchAccount(name: "carol", uid: nil, groups: []),
    ]

    /// The original texts (with one subordinate range already there) and the batch's result on them.
    static func batch() throws -> (before: AccountFilesText, result: AccountFilesBatch.Result) {
        var before = AccountFilesBatchTests.base
        before.subuid = "cloud:100000:65536\n"
        before.subgid = "cloud:100000:65536\n"
        let result = try AccountFilesBatch.add(
            requests, shell: "/bin/bash", to: before, settings: AccountFilesBatchTests.debian, day: 20787)
        return (before, result)
    }

    /// The texts after the first `written` files of the batch's write order (group, gshadow, subgid, subuid,
    /// shadow, passwd) were replaced.
    static func interrupted(after written: Int, before: AccountFilesText, after new: AccountFilesText)
        -> AccountFilesText
    {
        var files = before
        let steps: [(inout AccountFilesText) -> Void] = [
            { $0.group = new.group }, { $0.gshadow = new.gshadow }, { $0.subgid = new.subgid },
            { $0.subuid = new.subuid }, { $0.shadow = new.shadow }, { $0.passwd = new.passwd },
        ]
        for step in steps.prefix(written) { step(&files) }
        return files
    }

    /// A kill after any number of files: before /etc/passwd, undo gives back the original texts exactly; after it,
    /// the batch is complete and nothing is taken out.
    @Test(arguments: 0...6)
    func undoAfterAKillBetweenFilesRestoresTheOriginalTexts(written: Int) throws {
        let (before, result) = try Self.batch()
        #expect(result.created.count == 3)
        let journal = AccountBatchJournal(created: result.created, requests: Self.requests)
        let files = Self.interrupted(after: written, before: before, after: result.files)
        let undo = try journal.undo(in: files)
        if written < 6 {
            #expect(undo.files == before)
            #expect(undo.undone == ["alice", "bob", "carol"])
            #expect(undo.complete.isEmpty)
        } else {
            #expect(undo.files == result.files)
            #expect(undo.undone.isEmpty)
            #expect(undo.complete.map(\.name) == ["alice", "bob", "carol"])
            #expect(undo.complete.map(\.home) == ["/home/alice", "/home/bob", "/home/carol"])
        }
    }

    /// What others did between the kill and the next run stays: a group of the same name with another GID, an
    /// account someone created with the name, other members of the groups.
    @Test func undoLeavesWhatTheBatchDidNotWrite() throws {
        let journal = AccountBatchJournal(accounts: [
            .init(name: "alice", uid: 1001, gid: 1003, groups: ["marker"], home: "/home/alice"),
            .init(name: "bob", uid: 5005, gid: 5005, groups: ["marker"], home: "/home/bob"),
            .init(name: "dave", uid: 5007, gid: 5007, groups: [], home: "/home/dave"),
        ])
        let files = AccountFilesText(
            passwd: "root:x:0:0:root:/root:/bin/bash\nbob:x:6000:6000::/home/bob:/bin/sh\n",
            shadow: "root:*:1:0:99999:7:::\nalice:!:1:0:99999:7:::\nbob:!:1:0:99999:7:::\n",
            group: "root:x:0:\nmarker:x:1002:cloud,alice,bob,eve\nalice:x:4242:\nbob:x:6000:\n",
            gshadow: "root:*::\nmarker:!::cloud,alice,bob,eve\nalice:!::\nbob:!::\n",
            subuid: nil, subgid: nil)
        let undo = try journal.undo(in: files)
        #expect(undo.undone == ["alice", "dave"])
        #expect(undo.complete.isEmpty, "bob is in passwd with another UID: someone else's account, not completed")
        #expect(undo.files.passwd == files.passwd)
        #expect(undo.files.shadow == "root:*:1:0:99999:7:::\nbob:!:1:0:99999:7:::\n")
        #expect(undo.files.group == "root:x:0:\nmarker:x:1002:cloud,bob,eve\nalice:x:4242:\nbob:x:6000:\n")
        #expect(undo.files.gshadow == "root:*::\nmarker:!::cloud,bob,eve\nalice:!::\nbob:!::\n")
    }

    @Test(arguments: [
        ("{", "it is not a batch journal"),
        (#"{"version":2,"accounts":[]}"#, "it has version 2; this import_users reads 1"),
        (#"{"version":1}"#, "it is not a batch journal"),
    ])
    func anUnreadableJournalIsRefused(text: String, message: String) {
        let refusal = #expect(throws: AccountFilesBatch.Refusal.self) {
            try AccountBatchJournal.decoded(from: Data(text.utf8))
        }
        #expect(refusal?.description.hasPrefix(message) == true, "\(String(describing: refusal))")
    }

    @Test func roundTrips() throws {
        let journal = AccountBatchJournal(accounts: [
            .init(name: "alice", uid: 1001, gid: 1003, groups: ["marker", "docker"], home: "/home/alice")
        ])
        #expect(try AccountBatchJournal.decoded(from: journal.encoded()) == journal)
    }

    @Test func unparsableFilesAreRefused() {
        let journal = AccountBatchJournal(accounts: [])
        var files = AccountFilesBatchTests.base
        files.group = "broken\n"
        #expect(throws: AccountFilesBatch.Refusal.self) { try journal.undo(in: files) }
    }
}
