/// Where the UID of a new local account comes from (the UID_SOURCE setting).
public enum UIDSource: String, Equatable, Sendable, CaseIterable {
    /// useradd picks the next free UID on each host (the original tool's behaviour).
    case useradd
    /// A UID derived from the IAM UserId, the same on every host (see `UIDAllocator`).
    case iamUserID = "iam-user-id"
}
