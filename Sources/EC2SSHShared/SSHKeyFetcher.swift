import AWSCore
public import EC2SSHCore
import EC2SSHSystem

/// Reads one IAM user's active SSH keys: one ListSSHPublicKeys, then one GetSSHPublicKey per active key, run
/// concurrently; with IAM_AUTHORIZED_GROUPS set, one ListGroupsForUser alongside.
///
/// Every body is checked with `AuthorizedKeyLine.validate`; bodies that fail are dropped and reported.
public struct SSHKeyFetcher: Sendable {
    /// The IAM reads.
    public let iam: any IAMKeyReading
    /// IAM_AUTHORIZED_GROUPS; empty means no live membership check.
    public let authorizedGroups: [String]
    /// The most IAM requests in flight at once.
    public let maxConcurrentRequests: Int

    /// A key that passed validation, with its IAM key id.
    public struct Key: Sendable, Equatable {
        /// The IAM SSHPublicKeyId.
        public var id: String
        /// The validated key.
        public var key: ValidatedKey

        /// Creates a key.
        public init(id: String, key: ValidatedKey) {
            self.id = id
            self.key = key
        }
    }

    /// A key body from IAM that was not printed, and why.
    public struct Rejected: Sendable, Equatable {
        /// The IAM SSHPublicKeyId.
        public var id: String
        /// Why the body was refused.
        public var reason: KeyRejection

        /// Creates a rejection record.
        public init(id: String, reason: KeyRejection) {
            self.id = id
            self.reason = reason
        }
    }

    /// What IAM said about the user.
    public enum Outcome: Sendable, Equatable {
        /// The valid active keys, in IAM's order, and the bodies that were dropped.
        case keys([Key], rejected: [Rejected])
        /// IAM_AUTHORIZED_GROUPS is set and the user is in none of those groups.
        case notInAuthorizedGroups
    }

    /// Creates the fetcher.
    public init(iam: any IAMKeyReading, authorizedGroups: [String], maxConcurrentRequests: Int = 8) {
        self.iam = iam
        self.authorizedGroups = authorizedGroups
        self.maxConcurrentRequests = max(1, maxConcurrentRequests)
    }

    /// Asks IAM about `iamUserName`; throws the IAM error that decides the outcome when a read fails.
    ///
    /// When several reads fail, NoSuchEntity wins (the user is gone), then errors that do not allow the stale
    /// cache (fail closed), then the rest.
    public func fetch(iamUserName: String) throws -> Outcome {
        let groupCheck: WorkerThreads.Background<Result<Bool, any Error>>? =
            authorizedGroups.isEmpty
            ? nil
            : WorkerThreads.Background { [iam, authorizedGroups] in
                Result {
                    let groups = try iam.listGroupsForUser(userName: iamUserName)
                    return groups.contains { authorizedGroups.contains($0.groupName) }
                }
            }
        let keys = Result { try fetchKeys(iamUserName: iamUserName) }
        let membership = groupCheck?.join() ?? .success(true)
        let errors = [membership.failure, keys.failure].compactMap { $0 }
        if let decisive = Self.decisiveError(errors) { throw decisive }
        if case .success(false) = membership { return .notInAuthorizedGroups }
        let (valid, rejected) = try keys.get()
        return .keys(valid, rejected: rejected)
    }

    /// The error that decides the outcome among several, or `nil` when there is none.
    static func decisiveError(_ errors: [any Error]) -> (any Error)? {
        if let gone = errors.first(where: Self.isNoSuchEntity) { return gone }
        if let closed = errors.first(where: { !KeyCachePolicy.allowsStaleFallback(after: $0) }) { return closed }
        return errors.first
    }

    /// Whether `error` is IAM's NoSuchEntity.
    public static func isNoSuchEntity(_ error: any Error) -> Bool {
        (error as? AWSError)?.code == "NoSuchEntity"
    }

    private func fetchKeys(iamUserName: String) throws -> ([Key], [Rejected]) {
        let active = try iam.listSSHPublicKeys(userName: iamUserName).filter {
            $0.status == .active && $0.userName == iamUserName
        }
        let bodies = WorkerThreads.map(active.count, maxThreads: maxConcurrentRequests) { [iam, active] index in
            Result { try iam.getSSHPublicKey(userName: iamUserName, keyID: active[index].keyID) }
        }
        var valid: [Key] = []
        var rejected: [Rejected] = []
        var failures: [any Error] = []
        for (metadata, result) in zip(active, bodies) {
            switch result {
            case .failure(let error) where Self.isNoSuchEntity(error):
                continue  // the key was deleted after the listing
            case .failure(let error):
                failures.append(error)
            case .success(let key):
                guard key.status == .active, key.keyID == metadata.keyID, key.userName == iamUserName else { continue }
                switch AuthorizedKeyLine.validate(key.body) {
                case .success(let validated): valid.append(Key(id: key.keyID, key: validated))
                case .failure(let reason): rejected.append(Rejected(id: key.keyID, reason: reason))
                }
            }
        }
        if let decisive = Self.decisiveError(failures) { throw decisive }
        return (valid, rejected)
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
