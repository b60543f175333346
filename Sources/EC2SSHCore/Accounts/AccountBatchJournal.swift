#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// The accounts a batch (ACCOUNT_BACKEND=batch) is adding, recorded in STATE_DIR before it replaces the first account
/// file and removed once their homes exist.
///
/// The batch replaces group, gshadow, subgid, subuid, shadow and passwd one after the other. A run killed (or failing)
/// in between leaves user groups, shadow lines, subordinate ranges and memberships of accounts that /etc/passwd does
/// not list, and useradd then refuses those names ("group exists"). The next run takes back exactly those traces
/// (`undo(in:)`) before it plans; an account that reached /etc/passwd is complete and kept, and its home is created
/// if the kill came before it.
public struct AccountBatchJournal: Codable, Sendable, Equatable {
    /// The file name in STATE_DIR.
    public static let fileName = "account-batch.json"
    /// The format this version writes and reads.
    public static let currentVersion = 1

    /// One account of the batch.
    public struct Entry: Codable, Sendable, Equatable {
        /// The login name.
        public var name: String
        /// The UID the batch gave it.
        public var uid: UInt32
        /// The GID of its own group.
        public var gid: UInt32
        /// The supplementary groups the batch added it to.
        public var groups: [String]
        /// Its home directory.
        public var home: String

        /// Creates an entry.
        public init(name: String, uid: UInt32, gid: UInt32, groups: [String], home: String) {
            self.name = name
            self.uid = uid
            self.gid = gid
            self.groups = groups
            self.home = home
        }
    }

    /// The format version.
    public var version: Int
    /// The accounts, in the order the batch added them.
    public var accounts: [Entry]

    /// A journal of `accounts`.
    public init(accounts: [Entry]) {
        version = Self.currentVersion
        self.accounts = accounts
    }

    /// The journal of what `result` adds for `requests` (whose supplementary groups it records).
    public init(created: [BatchCreated], requests: [BatchAccount]) {
        let groups = Dictionary(requests.map { ($0.name, $0.groups) }, uniquingKeysWith: { first, _ in first })
        self.init(
            accounts: created.map {
                Entry(name: $0.name, uid: $0.uid, gid: $0.gid, groups: groups[$0.name] ?? [], home: $0.home)
            })
    }

    /// The JSON bytes (sorted keys).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Decodes a journal; refuses another version or bytes that are not one.
    public static func decoded(from data: Data) throws(AccountFilesBatch.Refusal) -> AccountBatchJournal {
        let journal: AccountBatchJournal
        do {
            journal = try JSONDecoder().decode(AccountBatchJournal.self, from: data)
        } catch {
            throw .init(description: "it is not a batch journal (\(DecodingProblem.describe(error)))")
        }
        guard journal.version == currentVersion else {
            throw .init(description: "it has version \(journal.version); this import_users reads \(currentVersion)")
        }
        return journal
    }

    /// What `undo(in:)` found.
    public struct Undo: Sendable, Equatable {
        /// The account files without the traces of the incomplete accounts.
        public var files: AccountFilesText
        /// The accounts that /etc/passwd does not list, whose traces were taken out.
        public var undone: [String]
        /// The accounts that /etc/passwd lists with the journal's UID: complete, kept.
        public var complete: [Entry]
    }

    /// Takes out of `files` the traces of every journal account that /etc/passwd does not list.
    ///
    /// Those are its own group (only with the journal's GID) and that group's gshadow line, its shadow line, subuid
    /// and subgid lines, and its membership of the groups the batch added it to. Refuses files it cannot parse.
    public func undo(in files: AccountFilesText) throws(AccountFilesBatch.Refusal) -> Undo {
        let passwd = try AccountFileTable(text: files.passwd, file: "/etc/passwd", fields: 7)
        var shadow = try AccountFileTable(text: files.shadow, file: "/etc/shadow", fields: 9)
        var group = try AccountFileTable(text: files.group, file: "/etc/group", fields: 4)
        var gshadow = try AccountFileTable(text: files.gshadow, file: "/etc/gshadow", fields: 4)
        var subuid = try files.subuid.map { text throws(AccountFilesBatch.Refusal) in
            try AccountFileTable(text: text, file: "/etc/subuid", fields: 3)
        }
        var subgid = try files.subgid.map { text throws(AccountFilesBatch.Refusal) in
            try AccountFileTable(text: text, file: "/etc/subgid", fields: 3)
        }
        var undone: [String] = []
        var complete: [Entry] = []
        for entry in accounts {
            if passwd.contains(entry.name) {
                if passwd.field(2, of: entry.name) == String(entry.uid) { complete.append(entry) }
                continue
            }
            if group.field(2, of: entry.name) == String(entry.gid) {
                group.remove(entry.name)
                gshadow.remove(entry.name)
            }
            shadow.remove(entry.name)
            subuid?.remove(entry.name)
            subgid?.remove(entry.name)
            for name in entry.groups {
                group.removeMember(entry.name, from: name)
                gshadow.removeMember(entry.name, from: name)
            }
            undone.append(entry.name)
        }
        let texts = AccountFilesText(
            passwd: files.passwd, shadow: shadow.text, group: group.text, gshadow: gshadow.text,
            subuid: subuid?.text, subgid: subgid?.text)
        return Undo(files: texts, undone: undone, complete: complete)
    }
}
