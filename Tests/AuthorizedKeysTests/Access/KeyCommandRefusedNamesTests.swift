import EC2SSHCore
import Testing

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import TestSupport

/// An account an older version created under a name now refused gets no keys, even while the index lists it.
@Suite struct KeyCommandRefusedNamesTests {
    @Test(arguments: [
        (".", "."), ("..", ".."), ("-rf", "-rf"), ("1000", "1000"), ("x.at.y", "x.at.y"), ("bob.at.", "bob@"),
    ])
    func noKeysForANameImportUsersNoLongerMaps(name: String, iamName: String) {
        let harness = KeyCommandHarness()
        harness.accounts = FakeAccountDatabase([(name, 1600)])
        harness.index.users[name] = .init(iamUserName: iamName, iamUserID: "AIDAOLD")
        harness.writeIndex()
        let result = harness.access.check(localName: name, now: harness.clock.now())
        guard case .failure(let refusal) = result else {
            Issue.record("\(name) was granted: \(result)")
            return
        }
        #expect(refusal.code == "name-mismatch")
        #expect(harness.run(name).lines.isEmpty)
        #expect(harness.iam.calls.isEmpty)
    }
}
