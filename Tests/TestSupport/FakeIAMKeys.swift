import AWSCore
import Synchronization
import Testing

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import ImportUsers

#if canImport(Glibc)
    import Glibc
#endif

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A scripted IAM for the key command: users with keys and groups, injectable errors, a call log, and an
/// optional barrier that proves GetSSHPublicKey calls overlap.
final class FakeIAMKeys: IAMKeyReading, Sendable {
    struct Key: Sendable {
        var id: String
        var body: String
        var status: SSHPublicKeyStatus = .active
    }

    private struct State {
        var keys: [String: [Key]] = [:]
        var groups: [String: [String]] = [:]
        var listError: AWSError?
        var getErrors: [String: AWSError] = [:]
        var groupsError: AWSError?
        var calls: [String] = []
        var inFlight = 0
        var maxInFlight = 0
        var arrived = 0
    }

    private let state = Mutex(State())
    /// When set, each GetSSHPublicKey waits (at most 5 s) until this many are in flight at once.
    let barrier: Int?
    private let clockStep = Mutex<(FakeClock, Double)?>(nil)

    init(barrier: Int? = nil) {
        self.barrier = barrier
    }

    /// Makes every request move `clock` forward by `seconds`.
    func onCallAdvances(_ clock: FakeClock, by seconds: Double) { clockStep.withLock { $0 = (clock, seconds) } }

    private func onCall(_ operation: String) {
        if let (clock, seconds) = clockStep.withLock({ $0 }) { clock.advance(by: seconds) }
    }

    func setKeys(_ user: String, _ keys: [Key]) { state.withLock { $0.keys[user] = keys } }
    func setGroups(_ user: String, _ groups: [String]) { state.withLock { $0.groups[user] = groups } }
    func failList(_ error: AWSError?) { state.withLock { $0.listError = error } }
    func failGet(_ keyID: String, _ error: AWSError) { state.withLock { $0.getErrors[keyID] = error } }
    func failGroups(_ error: AWSError?) { state.withLock { $0.groupsError = error } }
    var calls: [String] { state.withLock { $0.calls } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    static func noSuchEntity(_ name: String) -> AWSError {
        .service(
            code: "NoSuchEntity", message: "The user with name \(name) cannot be found.", requestID: "r", status: 404)
    }

    func listSSHPublicKeys(userName: String) throws -> [SSHPublicKeyMetadata] {
        onCall("ListSSHPublicKeys")
        return try state.withLock { state in
            state.calls.append("ListSSHPublicKeys \(userName)")
            if let error = state.listError { throw error }
            guard let keys = state.keys[userName] else { throw Self.noSuchEntity(userName) }
            return keys.map {
                SSHPublicKeyMetadata(
                    userName: userName, keyID: $0.id, status: $0.status, uploadDate: Date(timeIntervalSince1970: 0))
            }
        }
    }

    func getSSHPublicKey(userName: String, keyID: String) throws -> SSHPublicKey {
        onCall("GetSSHPublicKey")
        state.withLock { state in
            state.calls.append("GetSSHPublicKey \(userName) \(keyID)")
            state.inFlight += 1
            state.arrived += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        if let barrier { waitForBarrier(barrier) }
        return try state.withLock { state in
            if let error = state.getErrors[keyID] { throw error }
            guard let key = state.keys[userName]?.first(where: { $0.id == keyID }) else {
                throw Self.noSuchEntity(userName)
            }
            return SSHPublicKey(
                userName: userName, keyID: keyID, fingerprint: "md5", body: key.body, status: key.status,
                uploadDate: Date(timeIntervalSince1970: 0))
        }
    }

    func listGroupsForUser(userName: String) throws -> [IAMGroup] {
        onCall("ListGroupsForUser")
        return try state.withLock { state in
            state.calls.append("ListGroupsForUser \(userName)")
            if let error = state.groupsError { throw error }
            guard let groups = state.groups[userName] ?? state.keys[userName].map({ _ in [] }) else {
                throw Self.noSuchEntity(userName)
            }
            return groups.map { IAMGroup(groupName: $0, groupID: "AGPA\($0)", arn: "arn:aws:iam::1:group/\($0)") }
        }
    }

    /// Spins (yielding the CPU) until `count` calls are in flight together, or records a failure after 5 s.
    private func waitForBarrier(_ count: Int) {
        let clock = ContinuousClock()
        let start = clock.now
        while state.withLock({ $0.arrived }) < count {
            if clock.now - start > .seconds(5) {
                Issue.record(
                    "only \(state.withLock { $0.arrived }) GetSSHPublicKey calls overlapped, expected \(count)")
                return
            }
            sched_yield()
        }
    }
}
