import AWSCore
public import EC2SSHCore
import EC2SSHSystem

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads the whole IAM directory for a fleet snapshot: every user, every group with its members, every user's
/// active SSH keys, and the tags the snapshot carries.
///
/// The read is all or nothing: any read that fails after the client's retries (a throttled or failed page, a
/// truncated listing, XML that is not what IAM sends) throws `PublishError.iamRead`, so a partial directory is never
/// published. Per-user and per-group reads run `maxConcurrent` at a time on `WorkerThreads` (the libcurl transport
/// keeps one connection per thread alive). Key bodies come from `KeyBodyCache` when the id was seen before.
public struct DirectoryReader: Sendable {
    /// What one read found, and what it cost.
    public struct Result: Sendable, Equatable {
        /// Every user, sorted by name (UTF-8 byte order), with sorted groups and keys.
        public var users: [FleetUser]
        /// Every group, sorted by name.
        public var groups: [FleetGroup]
        /// The key-body cache to keep: the entries of every active key of this read.
        public var cache: KeyBodyCache
        /// How many IAM requests of each operation the read made (pages not counted separately).
        public var calls: [String: Int]
    }

    /// How many users or groups are read at once by default.
    public static let defaultConcurrency = 8

    private let iam: any DirectoryReading
    private let tags: Set<String>
    private let maxConcurrent: Int

    /// Creates a reader over `iam` carrying the user tags in `tags` (none: `ListUserTags` is not called).
    public init(iam: any DirectoryReading, tags: Set<String>, maxConcurrent: Int = Self.defaultConcurrency) {
        self.iam = iam
        self.tags = tags
        self.maxConcurrent = max(1, maxConcurrent)
    }

    /// Reads everything, using `cache` for key bodies already seen; throws `PublishError` on any incomplete read.
    public func read(cache: KeyBodyCache) throws(PublishError) -> Result {
        var calls: [String: Int] = [:]
        let users = try call("iam:ListUsers", nil) { try iam.listUsers() }
        let groups = try call("iam:ListGroups", nil) { try iam.listGroups() }
        calls["iam:ListUsers"] = 1
        calls["iam:ListGroups"] = 1
        let listedUsers = try Self.unique(users.map(\.userName), "ListUsers listed user")
        _ = try Self.unique(groups.map(\.groupName), "ListGroups listed group")

        let members = try concurrently(groups.map(\.groupName), "iam:GetGroup") { iam, name in
            try iam.getGroup(name)
        }
        calls["iam:GetGroup"] = groups.count
        var groupsOfUser: [String: [String]] = [:]
        for (group, read) in zip(groups, members) {
            guard read.group.groupName == group.groupName else {
                throw .inconsistentDirectory(
                    detail: "GetGroup \(group.groupName) described group \(read.group.groupName)")
            }
            // A member created after ListUsers is not in this snapshot; the next publish has it.
            for user in read.users where listedUsers.contains(user.userName) {
                groupsOfUser[user.userName, default: []].append(group.groupName)
            }
        }

        let names = users.map(\.userName)
        let keyLists = try concurrently(names, "iam:ListSSHPublicKeys") { iam, name in
            try iam.listSSHPublicKeys(userName: name)
        }
        calls["iam:ListSSHPublicKeys"] = names.count
        var tagLists: [[IAMTag]] = Array(repeating: [], count: names.count)
        if !tags.isEmpty {
            tagLists = try concurrently(names, "iam:ListUserTags") { iam, name in try iam.listUserTags(userName: name) }
            calls["iam:ListUserTags"] = names.count
        }

        var active: [(user: String, key: SSHPublicKeyMetadata)] = []
        for (name, keys) in zip(names, keyLists) {
            for key in keys where key.status == .active {
                guard key.userName == name else {
                    throw .inconsistentDirectory(
                        detail: "ListSSHPublicKeys \(name) listed key \(key.keyID) of user \(key.userName)")
                }
                active.append((name, key))
            }
        }
        let bodies = try bodies(of: active, cache: cache)
        calls["iam:GetSSHPublicKey"] = bodies.fetched

        var fleetUsers: [FleetUser] = []
        for (index, user) in users.enumerated() {
            let keys = keyLists[index].filter { $0.status == .active }.compactMap { key -> FleetKey? in
                guard let entry = bodies.cache.entries[key.keyID] else { return nil }
                return FleetKey(
                    id: key.keyID, body: entry.body, fingerprint: entry.fingerprint,
                    uploaded: Self.wholeSeconds(key.uploadDate))
            }
            var carried: [String: String] = [:]
            for tag in tagLists[index] where tags.contains(tag.key) { carried[tag.key] = tag.value }
            fleetUsers.append(
                FleetUser(
                    name: user.userName, id: user.userID, arn: user.arn, path: user.path,
                    groups: (groupsOfUser[user.userName] ?? []).sorted(by: Self.byteOrder),
                    tags: carried, keys: keys.sorted { Self.byteOrder($0.id, $1.id) }))
        }
        fleetUsers.sort { Self.byteOrder($0.name, $1.name) }
        let fleetGroups = groups.map { FleetGroup(name: $0.groupName, id: $0.groupID, arn: $0.arn) }
            .sorted { Self.byteOrder($0.name, $1.name) }
        return Result(users: fleetUsers, groups: fleetGroups, cache: bodies.cache, calls: calls)
    }

    /// The bodies of `active` keys: from `cache` when it holds the id for that user, else `GetSSHPublicKey`.
    ///
    /// Returns the cache pruned to `active` and the number of keys fetched.
    private func bodies(of active: [(user: String, key: SSHPublicKeyMetadata)], cache: KeyBodyCache)
        throws(PublishError) -> (cache: KeyBodyCache, fetched: Int)
    {
        var kept = KeyBodyCache()
        var missing: [(user: String, id: String)] = []
        for (user, key) in active {
            if let entry = cache.entry(id: key.keyID, user: user) {
                kept.entries[key.keyID] = entry
            } else {
                missing.append((user, key.keyID))
            }
        }
        let wanted = missing.map { KeyRef(user: $0.user, id: $0.id) }
        let fetched = try concurrently(
            wanted, "iam:GetSSHPublicKey", subject: { "\($0.user) \($0.id)" },
            { iam, key in try iam.getSSHPublicKey(userName: key.user, keyID: key.id) })
        for (wanted, key) in zip(missing, fetched) {
            guard key.keyID == wanted.id, key.userName == wanted.user else {
                throw .inconsistentDirectory(
                    detail: "GetSSHPublicKey \(wanted.user) \(wanted.id) returned key \(key.keyID) of \(key.userName)")
            }
            kept.entries[key.keyID] = KeyBodyCache.Entry(
                user: key.userName, body: key.body, fingerprint: key.fingerprint)
        }
        return (kept, missing.count)
    }

    /// One key to fetch.
    private struct KeyRef: Sendable {
        var user: String
        var id: String
    }

    /// `body(iam, name)` for every name, `maxConcurrent` at a time; the first failure (in order) throws.
    private func concurrently<T: Sendable>(
        _ names: [String], _ operation: String, _ body: @escaping @Sendable (any DirectoryReading, String) throws -> T
    ) throws(PublishError) -> [T] {
        try concurrently(names, operation, subject: { $0 }, body)
    }

    /// `body(iam, item)` for every item, `maxConcurrent` at a time; the first failure (in item order) throws,
    /// naming the item with `subject`.
    private func concurrently<Item: Sendable, T: Sendable>(
        _ items: [Item], _ operation: String, subject: (Item) -> String,
        _ body: @escaping @Sendable (any DirectoryReading, Item) throws -> T
    ) throws(PublishError) -> [T] {
        let iam = self.iam
        let results = WorkerThreads.map(items.count, maxThreads: maxConcurrent) { index in
            Swift.Result { try body(iam, items[index]) }
        }
        var values: [T] = []
        values.reserveCapacity(items.count)
        for (item, result) in zip(items, results) {
            switch result {
            case .success(let value): values.append(value)
            case .failure(let error): throw Self.failure(operation, subject(item), error)
            }
        }
        return values
    }

    /// One listing call; its failure becomes `PublishError.iamRead`.
    private func call<T>(_ operation: String, _ subject: String?, _ body: () throws -> T) throws(PublishError) -> T {
        do {
            return try body()
        } catch {
            throw Self.failure(operation, subject, error)
        }
    }

    private static func failure(_ operation: String, _ subject: String?, _ error: any Error) -> PublishError {
        let aws = error as? AWSError ?? .malformedResponse(detail: "\(error)")
        return .iamRead(operation: operation, subject: subject, error: aws)
    }

    /// The set of `names`; a name listed twice makes the read inconsistent.
    private static func unique(_ names: [String], _ what: String) throws(PublishError) -> Set<String> {
        var seen: Set<String> = []
        for name in names where !seen.insert(name).inserted {
            throw .inconsistentDirectory(detail: "\(what) \(name) twice")
        }
        return seen
    }

    /// Whether `a` sorts before `b` in UTF-8 byte order (the snapshot's order).
    static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// `date` truncated to whole seconds (the snapshot's resolution).
    static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }
}
