/// A user who needs a new local account and so a UID (and, with --user-group, a GID of the same number).
public struct UIDRequest: Equatable, Sendable {
    /// The local user name.
    public var localName: String
    /// The IAM UserId (for example AIDAJQABLZS4A3QDU576Q), stable across renames, which the UID derives from.
    public var iamUserID: String

    /// Creates a request.
    public init(localName: String, iamUserID: String) {
        self.localName = localName
        self.iamUserID = iamUserID
    }
}

/// The UID and GID chosen for a new account; they are equal so that useradd --user-group can use both.
public struct UIDAssignment: Equatable, Sendable {
    /// The UID for useradd --uid.
    public var uid: UInt32
    /// The GID of the user's own group (the same number as `uid`).
    public var gid: UInt32

    /// Creates an assignment.
    public init(uid: UInt32, gid: UInt32) {
        self.uid = uid
        self.gid = gid
    }
}

/// Picks deterministic UIDs from IAM UserIds, so the same IAM user gets the same UID on every host.
///
/// Each user's preferred UID is `range.lowerBound + StableHash.fnv1a64(iamUserID) % range.count`. Users are
/// processed sorted by (hash, UserId), so the input order never matters; a UID that is taken (by a managed
/// account, by anything else on the host as a UID or a GID, by 65534/65535, or by a user placed earlier in
/// this call) is skipped by probing forward in the range, wrapping around. A full range is an error for the
/// users that find no room, and only for them.
public enum UIDAllocator {
    /// IDs never handed out: 65534 is nobody/nogroup, 65535 is (uid16_t)-1.
    public static let reservedIDs: Set<UInt32> = [65_534, 65_535]

    /// The UID `iamUserID` gets when nothing else is in the way.
    public static func preferredUID(for iamUserID: String, in range: ClosedRange<UInt32>) -> UInt32 {
        let count = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + UInt32(StableHash.fnv1a64(iamUserID) % count)
    }

    /// Assigns a UID and GID to each of `users`, keyed by local name.
    ///
    /// - Parameters:
    ///   - users: the users that need a new account (not those that already have one).
    ///   - managedUIDs: UIDs of accounts this tool already manages; they keep them.
    ///   - hostUIDs: every other UID in use on the host (passwd); never used.
    ///   - hostGIDs: every GID in use on the host (group); never used, so the user's group can share the number.
    ///   - range: UID_RANGE.
    public static func assign(
        _ users: [UIDRequest], managedUIDs: Set<UInt32>, hostUIDs: Set<UInt32>, hostGIDs: Set<UInt32>,
        range: ClosedRange<UInt32>
    ) -> [String: Result<UIDAssignment, EC2SSHError>] {
        var taken = managedUIDs.union(hostUIDs).union(hostGIDs).union(reservedIDs)
        let count = UInt64(range.upperBound - range.lowerBound) + 1
        var takenInRange = UInt64(taken.lazy.filter { range.contains($0) }.count)
        let ordered = users.map { (hash: StableHash.fnv1a64($0.iamUserID), request: $0) }.sorted { left, right in
            if left.hash != right.hash { return left.hash < right.hash }
            if left.request.iamUserID != right.request.iamUserID {
                return left.request.iamUserID < right.request.iamUserID
            }
            return left.request.localName < right.request.localName
        }
        var results: [String: Result<UIDAssignment, EC2SSHError>] = [:]
        for (hash, request) in ordered where results[request.localName] == nil {
            guard takenInRange < count else {
                results[request.localName] = .failure(.uidRangeExhausted(localName: request.localName, range: range))
                continue
            }
            var offset = hash % count
            while taken.contains(range.lowerBound + UInt32(offset)) {
                offset = (offset + 1) % count
            }
            let uid = range.lowerBound + UInt32(offset)
            taken.insert(uid)
            takenInRange += 1
            results[request.localName] = .success(UIDAssignment(uid: uid, gid: uid))
        }
        return results
    }
}
