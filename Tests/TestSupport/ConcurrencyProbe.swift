import AWSCore
import Synchronization

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import ImportUsers

#if canImport(Glibc)
    import Glibc
#endif

/// An `AWSReading` that counts how many `listUserTags` calls are in flight at once.
///
/// Each call waits, up to two seconds, until `expected` calls are in flight together (so calls made one after
/// another show a maximum of 1 after a bounded wait, and concurrent ones reach `expected` at once); every other
/// read goes to `inner`.
final class ConcurrencyProbe: AWSReading {
    let inner: FakeAWSReader
    let expected: Int
    private let state = Mutex<(inFlight: Int, maximum: Int)>((0, 0))

    init(inner: FakeAWSReader, expected: Int) {
        self.inner = inner
        self.expected = expected
    }

    /// The most calls seen in flight at once.
    var maximum: Int { state.withLock { $0.maximum } }

    func listUserTags(userName: String) throws -> [IAMTag] {
        state.withLock { state in
            state.inFlight += 1
            state.maximum = max(state.maximum, state.inFlight)
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        let clock = ContinuousClock()
        let giveUp = clock.now.advanced(by: .seconds(2))
        while state.withLock({ $0.maximum }) < expected, clock.now < giveUp {
            sched_yield()
        }
        return try inner.listUserTags(userName: userName)
    }

    func listUsers() throws -> [IAMUser] { try inner.listUsers() }
    func getGroup(_ name: String) throws -> IAMGroupMembers { try inner.getGroup(name) }
    func instanceTagFromMetadata(_ key: String) throws -> String? { try inner.instanceTagFromMetadata(key) }
    func instanceID() throws -> String { try inner.instanceID() }
    func describeInstanceTag(instanceID: String, key: String) throws -> String? {
        try inner.describeInstanceTag(instanceID: instanceID, key: key)
    }
}
