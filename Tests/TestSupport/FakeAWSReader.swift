import AWSCore
import Synchronization
import Testing

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import ImportUsers

/// Scripted AWS answers; a read nobody scripted is a test failure.
final class FakeAWSReader: AWSReading {
    struct Script {
        var users: Result<[String], AWSError>?
        var groups: [String: Result<[String], AWSError>] = [:]
        var tags: [String: Result<[String: String], AWSError>] = [:]
        var metadataTags: [String: Result<String?, AWSError>] = [:]
        var instanceID: Result<String, AWSError>?
        var describeTags: [String: Result<String?, AWSError>] = [:]
    }

    private let state: Mutex<(script: Script, calls: [String])>

    init(_ script: Script = Script()) {
        state = Mutex((script, []))
    }

    /// Every read, as `Action argument`.
    var calls: [String] { state.withLock { $0.calls } }

    func update(_ change: (inout Script) -> Void) {
        state.withLock { change(&$0.script) }
    }

    static func userID(_ name: String) -> String { "AIDA" + name.uppercased().filter { $0.isLetter } }

    static func user(_ name: String) -> IAMUser {
        IAMUser(userName: name, userID: userID(name), arn: "arn:aws:iam::1:user/\(name)", path: "/")
    }

    func listUsers() throws -> [IAMUser] {
        try answer("ListUsers", \.users).map(Self.user)
    }

    func getGroup(_ name: String) throws -> IAMGroupMembers {
        let members = try answer("GetGroup \(name)", \.groups[name])
        return IAMGroupMembers(
            group: IAMGroup(groupName: name, groupID: "AGPA\(name)", arn: "arn:aws:iam::1:group/\(name)"),
            users: members.map(Self.user))
    }

    func listUserTags(userName: String) throws -> [IAMTag] {
        try answer("ListUserTags \(userName)", \.tags[userName]).map { IAMTag(key: $0.key, value: $0.value) }
    }

    func instanceTagFromMetadata(_ key: String) throws -> String? {
        try answer("IMDS tag \(key)", \.metadataTags[key])
    }

    func instanceID() throws -> String {
        try answer("IMDS instance-id", \.instanceID)
    }

    func describeInstanceTag(instanceID: String, key: String) throws -> String? {
        try answer("DescribeTags \(instanceID) \(key)", \.describeTags[key])
    }

    private func answer<T>(_ call: String, _ path: KeyPath<Script, Result<T, AWSError>?>) throws -> T {
        let script = state.withLock { state in
            state.calls.append(call)
            return state.script
        }
        let scripted = script[keyPath: path]
        guard let scripted else {
            Issue.record("unexpected AWS read: \(call)")
            throw AWSError.transport(detail: "not scripted: \(call)")
        }
        return try scripted.get()
    }
}
