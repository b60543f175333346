import AWSCore
import EC2SSHCore
public import EC2SSHShared
import EC2SSHSystem
public import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// authorized_keys_command's behaviour: decide, fetch or reuse, validate, print, audit.
///
/// For a managed, authorized account (see `Access`) it prints the IAM user's active SSH keys, fresh
/// from IAM by default, from the cache while younger than KEY_CACHE_TTL when that is set, or from the stale
/// cache when IAM is unreachable, throttled or too slow. The chained command, when configured, runs alongside
/// for every user and its keys follow ours. Every run logs exactly one audit line (plus a warning for each key
/// dropped and each cache problem). It never throws: every failure means "no keys of ours".
public struct KeyCommand: Sendable {
    /// What sshd asks: `%u` and, when configured, `%f`.
    public struct Request: Sendable, Equatable {
        /// The local user name.
        public var user: String
        /// The fingerprint of the key being tried (`SHA256:...`), if sshd passed one.
        public var fingerprint: String?

        /// Creates a request; an empty fingerprint counts as none.
        public init(user: String, fingerprint: String? = nil) {
            self.user = user
            self.fingerprint = fingerprint.flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// The result of a run.
    public struct Outcome: Sendable, Equatable {
        /// The authorized_keys lines to print, ours first, then the chained command's.
        public var lines: [String]
        /// The audit record that was logged.
        public var audit: Audit
        /// True when the watchdog answered instead (see `Fallback`): nothing was logged, nothing may be
        /// printed, and the process is about to end.
        public var preempted = false

        /// Everything to write on standard output at once: each line followed by a newline.
        public var output: [UInt8] { Array(lines.map { $0 + "\n" }.joined().utf8) }
    }

    /// The account checks.
    public let access: Access
    /// The key cache, or `nil` when its directory is unusable.
    public let cache: KeyCache?
    /// KEY_CACHE_TTL and KEY_CACHE_STALE_MAX.
    public let policy: KeyCachePolicy
    /// Builds the IAM reader on first use, so a cache hit makes no network call at all.
    public let makeFetcher: @Sendable () throws -> SSHKeyFetcher
    /// The chained command, if configured.
    public let chain: Chain?
    /// The run's one deadline (KEY_COMMAND_TIMEOUT and the IAM budget); its clock is the run's clock.
    public let deadline: Deadline
    /// Where the audit line and warnings go.
    public let logger: Logger
    /// What the watchdog may serve if the run does not finish in time; `nil` without a watchdog.
    public let fallback: Fallback?
    /// Fleet reader mode (SNAPSHOT_URL): keys come from the verified fleet snapshot, never from IAM.
    public let fleet: FleetKeys?

    /// Creates the command from its parts.
    public init(
        access: Access, cache: KeyCache?, policy: KeyCachePolicy,
        makeFetcher: @escaping @Sendable () throws -> SSHKeyFetcher, chain: Chain?,
        deadline: Deadline, logger: Logger, fallback: Fallback? = nil, fleet: FleetKeys? = nil
    ) {
        self.access = access
        self.cache = cache
        self.policy = policy
        self.makeFetcher = makeFetcher
        self.chain = chain
        self.deadline = deadline
        self.logger = logger
        self.fallback = fallback
        self.fleet = fleet
    }

    /// Serves `request` and logs its audit line, unless the watchdog answered first (`Outcome.preempted`).
    public func run(_ request: Request) -> Outcome {
        fallback?.publish(.init(audit: Audit(localUser: request.user, fingerprint: request.fingerprint)))
        let chained = chain.map { chain in
            let timeout = deadline.chainTimeout
            return WorkerThreads.Background {
                chain.run(user: request.user, fingerprint: request.fingerprint, timeout: timeout)
            }
        }
        var audit = Audit(localUser: request.user, fingerprint: request.fingerprint)
        let ours = serve(request, audit: &audit)
        fallback?.publish(.init(audit: audit, decided: ours))
        var lines = ours.map(\.key.line)
        if let chain, let output = chained?.join() {
            for rejected in output.rejected {
                logger.warning(
                    "chained command key line dropped",
                    metadata: [
                        "user": .string(request.user), "program": .string(chain.program),
                        "line": .string(String(rejected.line)), "reason": .string(rejected.reason.description),
                    ])
            }
            lines += output.keys.map(\.line)
            audit.chainedKeys = output.keys.count
            audit.chainFailure = output.failure
        }
        audit.durationMilliseconds = Int((deadline.elapsed * 1000).rounded())
        if let fallback, !fallback.finish() {
            return Outcome(lines: [], audit: audit, preempted: true)
        }
        logger.log(level: audit.level, "\(audit.message)", metadata: audit.metadata)
        return Outcome(lines: lines, audit: audit)
    }

    /// Our keys for `request`, recording in `audit` what happened.
    func serve(_ request: Request, audit: inout Audit) -> [SSHKeyFetcher.Key] {
        let now = deadline.time.now()
        let grant: Grant
        switch access.check(localName: request.user, now: now) {
        case .failure(let refusal):
            refuse(refusal, localName: request.user, audit: &audit)
            return []
        case .success(let granted):
            grant = granted
        }
        audit.iamUserName = grant.iamUserName
        audit.iamUserID = grant.iamUserID
        audit.iamUserARN = grant.iamUserARN
        if let fleet { return serveFromFleet(fleet, grant: grant, request: request, audit: &audit) }

        let cached = loadCache(grant)
        let validCached = cached.map(cachedKeys) ?? []
        fallback?.publish(.init(audit: audit, cachedKeys: validCached, fetchedAt: cached?.fetchedAt))
        if let cached, policy.servesWithoutIAM(fetchedAt: cached.fetchedAt, now: now) {
            let keys = validCached
            if request.fingerprint == nil || !Self.matching(keys, fingerprint: request.fingerprint).isEmpty {
                return served(keys, source: .cache, request: request, audit: &audit)
            }
        }
        do {
            let fetcher = try makeFetcher()
            switch try fetcher.fetch(iamUserName: grant.iamUserName) {
            case .notInAuthorizedGroups:
                refuse(
                    .notInAuthorizedGroups(groups: fetcher.authorizedGroups), localName: grant.localName,
                    audit: &audit)
                return []
            case .keys(let keys, let rejected):
                for item in rejected {
                    logger.warning(
                        "IAM SSH key dropped",
                        metadata: [
                            "user": .string(grant.localName), "iam_user": .string(grant.iamUserName),
                            "key_id": .string(item.id), "reason": .string(item.reason.description),
                        ])
                }
                store(keys, grant: grant)
                return served(keys, source: .iam, request: request, audit: &audit)
            }
        } catch {
            if SSHKeyFetcher.isNoSuchEntity(error) {
                refuse(.iamUserGone(iamUserName: grant.iamUserName), localName: grant.localName, audit: &audit)
                return []
            }
            audit.record(error: error)
            if KeyCachePolicy.allowsStaleFallback(after: error), let cached,
                policy.servesStale(fetchedAt: cached.fetchedAt, now: deadline.time.now())
            {
                return served(validCached, source: .staleCache, request: request, audit: &audit)
            }
            return []
        }
    }

    /// The keys among `keys` whose OpenSSH SHA-256 fingerprint is `fingerprint`.
    public static func matching(_ keys: [SSHKeyFetcher.Key], fingerprint: String?) -> [SSHKeyFetcher.Key] {
        guard let fingerprint else { return keys }
        return keys.filter { $0.key.fingerprint(sha256: Digest.sha256) == fingerprint }
    }

    /// With a fingerprint, only the matching key when one matches; otherwise all of `keys`.
    public static func select(_ keys: [SSHKeyFetcher.Key], fingerprint: String?) -> [SSHKeyFetcher.Key] {
        let found = matching(keys, fingerprint: fingerprint)
        return found.isEmpty ? keys : found
    }

    func served(
        _ keys: [SSHKeyFetcher.Key], source: Audit.Source, request: Request,
        audit: inout Audit
    ) -> [SSHKeyFetcher.Key] {
        let selected = Self.select(keys, fingerprint: request.fingerprint)
        audit.source = source
        audit.keyIDs = selected.map(\.id)
        return selected
    }

    func refuse(_ refusal: Refusal, localName: String, audit: inout Audit) {
        audit.refusal = refusal
        guard refusal.clearsCache, let cache else { return }
        do {
            try cache.remove(localName: localName)
        } catch {
            logger.warning(
                "could not remove cached keys", metadata: ["user": .string(localName), "error": .string("\(error)")])
        }
    }

    private func loadCache(_ grant: Grant) -> KeyCacheEntry? {
        guard let cache, policy.usesCache else { return nil }
        do {
            guard let entry = try cache.load(localName: grant.localName) else { return nil }
            guard entry.iamUserName == grant.iamUserName else { return nil }
            guard entry.iamUserID == grant.iamUserID else {
                // Another person's keys: an IAM user deleted and re-created under the same name, or an entry
                // written before UserIds were recorded. Never served; removed so the next IAM answer replaces it.
                logger.warning(
                    "key cache entry of another IAM UserId removed",
                    metadata: [
                        "user": .string(grant.localName), "iam_user_id": .string(grant.iamUserID),
                        "cached_iam_user_id": .string(entry.iamUserID ?? "none"),
                    ])
                try? cache.remove(localName: grant.localName)
                return nil
            }
            return entry
        } catch {
            logger.warning(
                "key cache entry ignored", metadata: ["user": .string(grant.localName), "error": .string("\(error)")])
            return nil
        }
    }

    private func cachedKeys(_ entry: KeyCacheEntry) -> [SSHKeyFetcher.Key] {
        entry.keys.compactMap { item in
            switch AuthorizedKeyLine.validate(item.line) {
            case .success(let key): return SSHKeyFetcher.Key(id: item.id, key: key)
            case .failure(let reason):
                logger.warning(
                    "cached key dropped",
                    metadata: [
                        "user": .string(entry.localUserName), "key_id": .string(item.id),
                        "reason": .string(reason.description),
                    ])
                return nil
            }
        }
    }

    private func store(_ keys: [SSHKeyFetcher.Key], grant: Grant) {
        guard let cache, policy.usesCache else { return }
        let entry = KeyCacheEntry(
            localUserName: grant.localName, iamUserName: grant.iamUserName, iamUserID: grant.iamUserID,
            fetchedAt: deadline.time.now(),
            keys: keys.map { KeyCacheEntry.Key(id: $0.id, line: $0.key.line) })
        do {
            try cache.save(entry)
        } catch {
            logger.warning(
                "could not update the key cache",
                metadata: ["user": .string(grant.localName), "error": .string("\(error)")])
        }
    }
}
