import AWSCore
public import EC2SSHCore
public import EC2SSHShared
public import EC2SSHSystem
public import Logging

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// import_users' key snapshot: the active, validated SSH keys of every managed user, written into KEY_CACHE_DIR.
///
/// It reuses the key command's parts (`SSHKeyFetcher` for the IAM reads and key validation, `KeyCache` and
/// `KeyCacheEntry` for the format), so in cache-first mode (KEY_CACHE_TTL above 0) logins are served without IAM.
/// import_users runs as root: before writing, KEY_CACHE_DIR must be a real directory (never a symbolic link) owned
/// by root or a system user and not writable by group or others; each entry is replaced atomically, mode 0600,
/// owned by the directory's owner (the key command's user), because the key command ignores anything else.
/// Entries of local users that are no longer managed are removed.
public struct KeyCacheSnapshot: KeySnapshotting {
    /// KEY_CACHE_DIR, without a trailing slash.
    public let directory: String
    /// The filesystem.
    public let fileSystem: any FileSystem
    /// /etc/login.defs, whose UID_MIN and UID_MAX tell regular users' UIDs from system users'.
    public let loginDefsPath: String
    /// UID_RANGE when UID_SOURCE is iam-user-id (those UIDs are regular users too), else `nil`.
    public let managedUIDRange: ClosedRange<UInt32>?
    /// Builds the IAM reader on first use (after the directory check, so a bad directory costs no IAM call).
    public let makeIAM: @Sendable () throws -> any IAMKeyReading
    /// How many users are read from IAM at once.
    public let maxConcurrentUsers: Int
    /// Where dropped keys and removed entries are reported.
    public let logger: Logger

    /// Creates the snapshot writer.
    public init(
        directory: String, fileSystem: any FileSystem, loginDefsPath: String, managedUIDRange: ClosedRange<UInt32>?,
        makeIAM: @escaping @Sendable () throws -> any IAMKeyReading, maxConcurrentUsers: Int = 4, logger: Logger
    ) {
        self.directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.fileSystem = fileSystem
        self.loginDefsPath = loginDefsPath
        self.managedUIDRange = managedUIDRange
        self.makeIAM = makeIAM
        self.maxConcurrentUsers = max(1, maxConcurrentUsers)
        self.logger = logger
    }

    /// Writes the entries of `users` (IAM identity by local name) fetched at `now`, removes all other entries.
    ///
    /// Returns one line per problem; a user whose keys cannot be read keeps its previous entry.
    public func refresh(users: [String: ManagedKeyUser], now: Date) -> [String] {
        let cache: KeyCache
        let owner: FileOwner
        do {
            (cache, owner) = try openDirectory()
        } catch {
            return ["\(error)"]
        }
        var failures: [String] = []
        let names = users.keys.sorted()
        if !names.isEmpty {
            do {
                let fetcher = SSHKeyFetcher(iam: try makeIAM(), authorizedGroups: [], maxConcurrentRequests: 4)
                let outcomes = WorkerThreads.map(names.count, maxThreads: maxConcurrentUsers) { [users] index in
                    Result { try fetcher.fetch(iamUserName: users[names[index]]?.iamUserName ?? "") }
                }
                for (localName, outcome) in zip(names, outcomes) {
                    guard let user = users[localName] else { continue }
                    if let failure = store(
                        outcome, localName: localName, user: user, now: now, cache: cache, owner: owner)
                    {
                        failures.append(failure)
                    }
                }
            } catch {
                failures.append("no IAM client for the key snapshot: \(error); no entry was refreshed")
            }
        }
        failures += removeUnmanaged(keeping: Set(names), cache: cache)
        return failures
    }

    /// Deletes the entries of `localNames` after checking the directory like `refresh`; a missing directory or
    /// entry is fine (nothing was cached).
    public func forget(localNames: [String]) -> [String] {
        guard !localNames.isEmpty else { return [] }
        do {
            if try fileSystem.status(directory) == nil { return [] }
        } catch {
            // openDirectory below reports it.
        }
        let cache: KeyCache
        do {
            (cache, _) = try openDirectory()
        } catch {
            let names = localNames.sorted().joined(separator: ", ")
            return ["\(error); the cache entries of the deleted accounts \(names) were not removed"]
        }
        return localNames.sorted().compactMap { remove($0, cache: cache, reason: "the account was deleted") }
    }

    /// Why a KEY_CACHE_DIR with `status` must not be written by root, or `nil` when it may.
    ///
    /// It must be a directory (not a symbolic link), not writable by group or others, and owned by root or a
    /// system user: not a UID of `loginDefs`' UID_MIN to UID_MAX nor of `managedUIDRange`.
    public static func directoryProblem(
        _ status: FileStatus, loginDefs: LoginDefs, managedUIDRange: ClosedRange<UInt32>?
    ) -> String? {
        guard status.type == .directory else {
            return status.type == .symbolicLink ? "it is a symbolic link" : "it is not a directory"
        }
        guard status.mode & 0o022 == 0 else {
            return "its mode \(FileTrust.octal(status.mode)) lets the group or others write to it"
        }
        guard status.uid != 0 else { return nil }
        let regular = loginDefs.uidMin <= loginDefs.uidMax && (loginDefs.uidMin...loginDefs.uidMax).contains(status.uid)
        if regular || managedUIDRange?.contains(status.uid) == true {
            return "it is owned by UID \(status.uid), a regular user's UID, not root or a system user"
        }
        return nil
    }

    /// The cache over KEY_CACHE_DIR and the owner its files get, after checking the directory.
    private func openDirectory() throws -> (KeyCache, FileOwner) {
        let status: FileStatus?
        do {
            status = try fileSystem.status(directory)
        } catch {
            throw KeyCacheError(path: directory, message: "KEY_CACHE_DIR cannot be inspected: \(error)")
        }
        guard let status else {
            throw KeyCacheError(
                path: directory,
                message: "KEY_CACHE_DIR does not exist; install.sh creates it owned by the key command's user "
                    + "(aws-ec2-ssh) with mode 0700")
        }
        if let problem = Self.directoryProblem(status, loginDefs: loginDefs(), managedUIDRange: managedUIDRange) {
            throw KeyCacheError(
                path: directory,
                message: "KEY_CACHE_DIR is not safe to write as root: \(problem); make it a directory owned by the "
                    + "key command's user (aws-ec2-ssh) with mode 0700")
        }
        let cache = KeyCache(directory: directory, fileSystem: fileSystem, uid: status.uid)
        try checkParent(of: cache.directory)
        return (cache, status.owner)
    }

    /// Refuses a KEY_CACHE_DIR whose parent someone other than root could change (swapping the directory for a
    /// link between the check and the writes).
    private func checkParent(of path: String) throws {
        let slash = path.lastIndex(of: "/") ?? path.startIndex
        let parent = slash == path.startIndex ? "/" : String(path[..<slash])
        let status = try? fileSystem.status(parent)
        guard let status, status.uid == 0, status.type == .symbolicLink || status.mode & 0o022 == 0 else {
            let detail = status.map { "owned by UID \($0.uid) with mode \(FileTrust.octal($0.mode))" }
            throw KeyCacheError(
                path: directory,
                message: "KEY_CACHE_DIR is not safe to write as root: its parent \(parent) is "
                    + "\(detail ?? "unreadable"), not a directory only root can change")
        }
    }

    private func loginDefs() -> LoginDefs {
        guard let bytes = try? fileSystem.readFile(loginDefsPath) else { return .defaults }
        return LoginDefs.parse(String(decoding: bytes, as: UTF8.self))
    }

    /// Writes or removes the entry of one user after its IAM answer; returns the problem, if any.
    private func store(
        _ outcome: Result<SSHKeyFetcher.Outcome, any Error>, localName: String, user: ManagedKeyUser, now: Date,
        cache: KeyCache, owner: FileOwner
    ) -> String? {
        let iamUserName = user.iamUserName
        switch outcome {
        case .success(.keys(let keys, let rejected)):
            for item in rejected {
                logger.warning(
                    "key snapshot: IAM SSH key \(item.id) of \(iamUserName) dropped: \(item.reason.description)")
            }
            let entry = KeyCacheEntry(
                localUserName: localName, iamUserName: iamUserName, iamUserID: user.iamUserID, fetchedAt: now,
                keys: keys.map { KeyCacheEntry.Key(id: $0.id, line: $0.key.line) })
            do {
                try cache.save(entry, owner: owner)
                return nil
            } catch {
                return "\(localName): cannot write \(cache.path(for: localName)): \(error)"
            }
        case .success(.notInAuthorizedGroups):
            return remove(localName, cache: cache, reason: "not in IAM_AUTHORIZED_GROUPS")
        case .failure(let error) where SSHKeyFetcher.isNoSuchEntity(error):
            return remove(localName, cache: cache, reason: "IAM user \(iamUserName) no longer exists")
        case .failure(let error):
            return "\(localName): the SSH keys of IAM user \(iamUserName) cannot be read: \(error); its cache entry "
                + "is left as it was"
        }
    }

    private func remove(_ localName: String, cache: KeyCache, reason: String) -> String? {
        do {
            try cache.remove(localName: localName)
            logger.notice("key snapshot: removed the cache entry of \(localName): \(reason)")
            return nil
        } catch {
            return "\(localName): cannot remove \(cache.path(for: localName)) (\(reason)): \(error)"
        }
    }

    /// Removes the entries (`user-NAME.json`) of local users not in `managed`; other files are left alone.
    private func removeUnmanaged(keeping managed: Set<String>, cache: KeyCache) -> [String] {
        let names: [String]
        do {
            names = try fileSystem.listDirectory(directory)
        } catch {
            return ["cannot list \(directory) to remove entries of users no longer managed: \(error)"]
        }
        var failures: [String] = []
        for name in names where name.hasPrefix("user-") && name.hasSuffix(".json") && name.count > 10 {
            let localName = String(name.dropFirst(5).dropLast(5))
            guard !managed.contains(localName), NameMapping.isValidLocalName(localName) else { continue }
            if let failure = remove(localName, cache: cache, reason: "no longer managed") { failures.append(failure) }
        }
        return failures
    }
}
