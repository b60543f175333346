package import AWSCore
import FleetPublisher
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

#if canImport(FoundationEssentials)
    package import FoundationEssentials
#else
    package import Foundation
#endif

/// A scripted IAM directory for the fleet publisher.
///
/// Users, groups, SSH keys and tags, injectable failures per call, and a log of every call. Fail-loud: a read about a user or group nobody set up (or tags never set) is a
/// test failure and throws.
package final class FakeIAMDirectory: DirectoryReading {
    /// One SSH key of a user.
    package struct Key: Sendable {
        /// The key id.
        package var id: String
        /// The OpenSSH body.
        package var body: String
        /// Active or not.
        package var status: SSHPublicKeyStatus

        /// A key from its parts.
        package init(id: String, body: String, status: SSHPublicKeyStatus = .active) {
            self.id = id
            self.body = body
            self.status = status
        }
    }

    private struct State {
        var users: [String] = []
        var groups: [String: [String]] = [:]
        var groupOrder: [String] = []
        var keys: [String: [Key]] = [:]
        var tags: [String: [String: String]] = [:]
        var failures: [String: AWSError] = [:]
        var calls: [String] = []
        var inFlight = 0
        var maxInFlight = 0
        var arrived = 0
    }

    private let state = Mutex(State())
    /// When set, each ListSSHPublicKeys waits (at most 5 s) until this many have started, proving they overlap.
    private let barrier: Int?

    /// An empty directory; with `barrier`, ListSSHPublicKeys calls wait for each other (see `maxInFlight`).
    package init(barrier: Int? = nil) {
        self.barrier = barrier
    }

    /// The most ListSSHPublicKeys calls that were in flight at once.
    package var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    /// Adds user `name` with `keys` (and no groups).
    package func addUser(_ name: String, keys: [Key] = []) {
        state.withLock {
            $0.users.append(name)
            $0.keys[name] = keys
        }
    }

    /// Adds group `name` with `members`.
    package func addGroup(_ name: String, members: [String]) {
        state.withLock {
            $0.groupOrder.append(name)
            $0.groups[name] = members
        }
    }

    /// Replaces the keys of `user`.
    package func setKeys(_ user: String, _ keys: [Key]) { state.withLock { $0.keys[user] = keys } }

    /// Sets the tags of `user` (ListUserTags of a user without this is a test failure).
    package func setTags(_ user: String, _ tags: [String: String]) { state.withLock { $0.tags[user] = tags } }

    /// Makes the call `call` (as in `calls`, for example `GetGroup admins` or `ListUsers`) fail with `error`.
    package func fail(_ call: String, with error: AWSError) { state.withLock { $0.failures[call] = error } }

    /// Every call so far, as `Operation argument...`, in the order they started.
    package var calls: [String] { state.withLock { $0.calls } }

    /// The calls of one operation.
    package func calls(_ operation: String) -> [String] {
        calls.filter { $0.hasPrefix(operation + " ") || $0 == operation }
    }

    package static func userID(_ name: String) -> String { "AIDA" + name.uppercased() }
    package static func user(_ name: String) -> IAMUser {
        IAMUser(userName: name, userID: userID(name), arn: "arn:aws:iam::123456789012:user/\(name)", path: "/")
    }
    package static func group(_ name: String) -> IAMGroup {
        IAMGroup(groupName: name, groupID: "AGPA" + name.uppercased(), arn: "arn:aws:iam::123456789012:group/\(name)")
    }
    /// The upload date every fake key has.
    package static let uploaded = Date(timeIntervalSince1970: 1_767_225_600)

    package func listUsers() throws -> [IAMUser] {
        try answer("ListUsers") { $0.users.map(Self.user) }
    }

    package func listGroups() throws -> [IAMGroup] {
        try answer("ListGroups") { $0.groupOrder.map(Self.group) }
    }

    package func getGroup(_ name: String) throws -> IAMGroupMembers {
        try answer("GetGroup \(name)") { state in
            guard let members = state.groups[name] else { return nil }
            return IAMGroupMembers(group: Self.group(name), users: members.map(Self.user))
        }
    }

    package func listSSHPublicKeys(userName: String) throws -> [SSHPublicKeyMetadata] {
        state.withLock { state in
            state.inFlight += 1
            state.arrived += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        if let barrier { waitForBarrier(barrier) }
        return try answer("ListSSHPublicKeys \(userName)") { state in
            state.keys[userName].map { keys in
                keys.map {
                    SSHPublicKeyMetadata(userName: userName, keyID: $0.id, status: $0.status, uploadDate: Self.uploaded)
                }
            }
        }
    }

    package func getSSHPublicKey(userName: String, keyID: String) throws -> SSHPublicKey {
        try answer("GetSSHPublicKey \(userName) \(keyID)") { state in
            state.keys[userName]?.first { $0.id == keyID }.map {
                SSHPublicKey(
                    userName: userName, keyID: keyID, fingerprint: "md5:\(keyID)", body: $0.body, status: $0.status,
                    uploadDate: Self.uploaded)
            }
        }
    }

    package func listUserTags(userName: String) throws -> [IAMTag] {
        try answer("ListUserTags \(userName)") { state in
            state.tags[userName].map { $0.sorted { $0.key < $1.key }.map { IAMTag(key: $0.key, value: $0.value) } }
        }
    }

    /// Spins (yielding the CPU) until `count` ListSSHPublicKeys calls have started, or records a failure after 5 s.
    private func waitForBarrier(_ count: Int) {
        let clock = ContinuousClock()
        let start = clock.now
        while state.withLock({ $0.arrived }) < count {
            if clock.now - start > .seconds(5) {
                Issue.record(
                    "only \(state.withLock { $0.arrived }) ListSSHPublicKeys calls overlapped, expected \(count)")
                return
            }
            sched_yield()
        }
    }

    /// Records `call`, throws its scripted failure, or the answer; `nil` from `body` is a call nobody set up.
    private func answer<T>(_ call: String, _ body: (State) -> T?) throws -> T {
        let (failure, value) = state.withLock { state -> (AWSError?, T?) in
            state.calls.append(call)
            return (state.failures[call], state.failures[call] == nil ? body(state) : nil)
        }
        if let failure { throw failure }
        guard let value else {
            Issue.record("FakeIAMDirectory: \(call) was not set up")
            throw AWSError.transport(detail: "FakeIAMDirectory: \(call) was not set up")
        }
        return value
    }
}
