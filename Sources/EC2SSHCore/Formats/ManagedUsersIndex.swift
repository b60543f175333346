#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// What import_users tells authorized_keys_command about the accounts it manages.
///
/// import_users writes it (root-owned, mode 0644, in STATE_DIR) after every run that changed the managed state;
/// the key command serves keys only for local names listed here. It holds no secrets: local names, IAM user
/// names, IAM UserIds and ARNs, local UIDs, and the access expiry when the temporary-access tag is in use.
/// Fields added after version 1 are optional, so an older file still decodes (it simply lacks them).
public struct ManagedUsersIndex: Sendable, Equatable, Codable {
    /// The file name inside STATE_DIR.
    public static let fileName = "managed-users.json"
    /// The schema version this code writes and reads.
    public static let currentVersion = 1

    /// One managed, active account.
    public struct Entry: Sendable, Equatable, Codable {
        /// The IAM user the account belongs to.
        public var iamUserName: String
        /// The IAM UserId recorded when the account was created.
        public var iamUserID: String
        /// The IAM user's ARN, for the key command's audit line; `nil` in indexes written without it.
        public var iamUserARN: String?
        /// When temporary access ends, if the IAM user carries the expiry tag.
        public var accessExpiresAt: Date?
        /// The local UID import_users created the account with; `nil` in indexes written without it.
        public var uid: UInt32?

        /// Creates an entry.
        public init(
            iamUserName: String, iamUserID: String, accessExpiresAt: Date? = nil, iamUserARN: String? = nil,
            uid: UInt32? = nil
        ) {
            self.iamUserName = iamUserName
            self.iamUserID = iamUserID
            self.iamUserARN = iamUserARN
            self.accessExpiresAt = accessExpiresAt
            self.uid = uid
        }
    }

    /// The schema version.
    public var version: Int
    /// Managed accounts by local name.
    public var users: [String: Entry]

    /// Creates an index.
    public init(version: Int = ManagedUsersIndex.currentVersion, users: [String: Entry] = [:]) {
        self.version = version
        self.users = users
    }

    /// The index of the active accounts of `state` that import_users has not locked (with their UIDs), with the
    /// expiries and ARNs known for some IAM user names.
    ///
    /// Both maps are keyed by IAM user name; an account whose IAM user is missing from a map gets no value.
    public init(state: ManagedState, accessExpiries: [String: Date] = [:], arns: [String: String] = [:]) {
        var users: [String: Entry] = [:]
        for (localName, account) in state.accounts where account.grantsAccess {
            users[localName] = Entry(
                iamUserName: account.iamUserName, iamUserID: account.iamUserID,
                accessExpiresAt: accessExpiries[account.iamUserName], iamUserARN: arns[account.iamUserName],
                uid: account.uid)
        }
        self.init(users: users)
    }

    /// What one run learned from IAM for the index, keyed by IAM user name.
    public struct Observations: Sendable, Equatable {
        /// The ARNs from this run's listings.
        public var arns: [String: String]
        /// The users whose tags this run read; `nil` when no expiry tag is configured (temporary access is off).
        public var tagsRead: Set<String>?
        /// The access expiries found in the tags read.
        public var accessExpiries: [String: Date]

        /// Creates observations.
        public init(arns: [String: String] = [:], tagsRead: Set<String>? = nil, accessExpiries: [String: Date] = [:]) {
            self.arns = arns
            self.tagsRead = tagsRead
            self.accessExpiries = accessExpiries
        }
    }

    /// The index of `state` after a run that observed `observed`, merged with the `previous` index (if any).
    ///
    /// Expiries come from this run's tag reads; for users whose tags could not be read the previous entry's expiry
    /// is kept, so a failed read never lifts an expiry. ARNs come from this run's listings; for users this run did
    /// not see (an incomplete read) the previous entry's ARN is kept. A previous entry counts only when it belongs
    /// to the same IAM UserId (a re-created IAM user is another person).
    public init(state: ManagedState, observed: Observations, previous: ManagedUsersIndex?) {
        var expiries: [String: Date] = [:]
        var arns: [String: String] = [:]
        for (localName, account) in state.accounts where account.status == .active {
            let entry = previous?.users[localName].flatMap { $0.iamUserID == account.iamUserID ? $0 : nil }
            if let arn = observed.arns[account.iamUserName] ?? entry?.iamUserARN {
                arns[account.iamUserName] = arn
            }
            guard let tagsRead = observed.tagsRead else { continue }
            if tagsRead.contains(account.iamUserName) {
                if let date = observed.accessExpiries[account.iamUserName] { expiries[account.iamUserName] = date }
            } else if let date = entry?.accessExpiresAt {
                expiries[account.iamUserName] = date
            }
        }
        self.init(state: state, accessExpiries: expiries, arns: arns)
    }

    /// Whether `init(state:observed:previous:)` may need the previous index for `state` and `observed`.
    ///
    /// It may when some active account's ARN was not observed this run, or the expiry tag is in use and some
    /// account's tags were not read. When not, the caller can skip reading (and decoding) the previous file: the
    /// result is the same.
    public static func needsPrevious(state: ManagedState, observed: Observations) -> Bool {
        state.accounts.values.contains { account in
            guard account.status == .active else { return false }
            return observed.arns[account.iamUserName] == nil
                || observed.tagsRead.map { !$0.contains(account.iamUserName) } ?? false
        }
    }

    /// The first line of the sorted-lines layout that `encoded()` writes for the current version (the only layout
    /// `ManagedUsersIndexLookup` searches).
    public static let sortedLinesHeader = Array("{\"version\":\(currentVersion),\"users\":{\n".utf8)
    /// The last line of the sorted-lines layout.
    public static let sortedLinesTrailer = Array("}}\n".utf8)

    /// The JSON bytes in the sorted-lines layout: one user per line, sorted by the bytes of the JSON-encoded local
    /// name, so the key command finds one user by binary search instead of decoding the whole file.
    ///
    /// ```
    /// {"version":1,"users":{
    /// "alice":{"iamUserID":"AIDA1","iamUserName":"alice","uid":70001},
    /// "bob":{"iamUserID":"AIDA2","iamUserName":"bob","uid":70002}
    /// }}
    /// ```
    ///
    /// It is still one ordinary JSON document (what older readers and scripts decode whole): entries with sorted
    /// keys and ISO-8601 dates, JSON escaping keeps every entry on its line, and the file ends with a newline.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        var lines: [(key: [UInt8], entry: Data)] = []
        lines.reserveCapacity(users.count)
        for (name, entry) in users {
            lines.append((try Self.encodedKey(name, encoder: encoder), try encoder.encode(entry)))
        }
        lines.sort { $0.key.lexicographicallyPrecedes($1.key) }
        var data = Data("{\"version\":\(version),\"users\":{\n".utf8)
        for (position, line) in lines.enumerated() {
            data.append(contentsOf: line.key)
            data.append(UInt8(ascii: ":"))
            data.append(line.entry)
            if position < lines.count - 1 { data.append(UInt8(ascii: ",")) }
            data.append(0x0a)
        }
        data.append(contentsOf: Self.sortedLinesTrailer)
        return data
    }

    /// `name` as a JSON string (with its quotes): quoted as is when it holds only local-name characters, which JSON
    /// never escapes, else through `encoder`.
    static func encodedKey(_ name: String, encoder: JSONEncoder? = nil) throws -> [UInt8] {
        let plain = !name.isEmpty && name.utf8.allSatisfy(NameMapping.isLocalNameByte)
        if plain { return [UInt8(ascii: "\"")] + Array(name.utf8) + [UInt8(ascii: "\"")] }
        return Array(try (encoder ?? JSONEncoder()).encode(name))
    }

    /// Decodes an index; a newer schema or a corrupt file is an error naming `path`.
    public static func decoded(from data: Data, path: String) throws -> ManagedUsersIndex {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let index: ManagedUsersIndex
        do {
            index = try decoder.decode(ManagedUsersIndex.self, from: data)
        } catch {
            throw EC2SSHError.invalidDataFile(
                path: path,
                message:
                    "the managed users index is corrupt (\(DecodingProblem.describe(error))); the next import_users run rewrites it"
            )
        }
        guard index.version <= currentVersion else {
            throw EC2SSHError.invalidDataFile(
                path: path,
                message: "the managed users index has schema version \(index.version), newer than this tool's "
                    + "\(currentVersion); install the matching authorized_keys_command")
        }
        return index
    }
}
