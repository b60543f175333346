import AWSCore
import EC2SSHCore
import Logging
import Testing

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import TestSupport

/// Output, fingerprint selection and the audit line of whole runs over fakes.
@Suite struct KeyCommandTests {
    func harnessWithThreeKeys() -> KeyCommandHarness {
        let harness = KeyCommandHarness()
        harness.iam.setKeys(
            "alice",
            [
                .init(id: "K1", body: TestKeys.ed25519), .init(id: "K2", body: TestKeys.ecdsa),
                .init(id: "K3", body: TestKeys.second),
            ])
        return harness
    }

    @Test func everyActiveKeyIsPrintedOnePerLineInIAMOrder() {
        let outcome = harnessWithThreeKeys().run()
        #expect(outcome.lines == [TestKeys.ed25519, TestKeys.ecdsa, TestKeys.second])
        let text = String(decoding: outcome.output, as: UTF8.self)
        #expect(text == outcome.lines.map { $0 + "\n" }.joined())
        #expect(outcome.audit.keyIDs == ["K1", "K2", "K3"])
    }

    @Test(arguments: [
        (TestKeys.ed25519Fingerprint, [TestKeys.ed25519]),
        (TestKeys.ecdsaFingerprint, [TestKeys.ecdsa]),
        (TestKeys.secondFingerprint, [TestKeys.second]),
        ("SHA256:doesnotmatchanything", [TestKeys.ed25519, TestKeys.ecdsa, TestKeys.second]),
        ("", [TestKeys.ed25519, TestKeys.ecdsa, TestKeys.second]),
    ])
    func fingerprintSelectsTheMatchingKeyWhenFound(fingerprint: String, expected: [String]) {
        #expect(harnessWithThreeKeys().run(fingerprint: fingerprint).lines == expected)
    }

    @Test func fingerprintsMatchWhatSshKeygenPrints() throws {
        let key = try AuthorizedKeyLineCheck.validated(TestKeys.ecdsa)
        #expect(key.fingerprint(sha256: Digest.sha256) == TestKeys.ecdsaFingerprint)
    }

    @Test func auditLineOfAServedRun() throws {
        let harness = harnessWithThreeKeys()
        harness.iam.onCallAdvances(harness.clock, by: 0.010)
        _ = harness.run(fingerprint: TestKeys.ecdsaFingerprint)
        #expect(harness.log.all.count == 1)
        let line = try #require(harness.log.all.first)
        #expect(line.hasPrefix("info: authorized keys served "))
        for field in [
            "user=alice", "iam_user=alice", "iam_user_id=AIDAALICE", "iam_arn=\(KeyCommandHarness.aliceARN)",
            "key_ids=K2",
            "source=iam", "fingerprint=\(TestKeys.ecdsaFingerprint)",
        ] {
            #expect(line.contains(field), "missing \(field) in \(line)")
        }
        #expect(line.contains("duration_ms="))
    }

    @Test func auditLineOfAFailureNamesTheAWSErrorCode() throws {
        let harness = KeyCommandHarness()
        harness.iam.failList(.service(code: "AccessDenied", message: "not allowed", requestID: "req-1", status: 403))
        _ = harness.run()
        let line = try #require(harness.log.all.first)
        #expect(line.hasPrefix("error: authorized keys lookup failed "))
        #expect(line.contains("error_code=AccessDenied"))
        #expect(line.contains("source=none"))
    }

    @Test func logLinesNeverHoldKeyBodiesOrSecrets() {
        let harness = KeyCommandHarness()
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        harness.iam.setKeys(
            "alice",
            [.init(id: "K1", body: TestKeys.ed25519), .init(id: "K2", body: "from=\"x\" " + TestKeys.ecdsa)])
        _ = harness.run()
        harness.iam.failList(.service(code: "Throttling", message: "Rate exceeded", requestID: nil, status: 400))
        _ = harness.run()
        let store = FileCredentialsStore(roleARN: "arn:aws:iam::1:role/r", cache: harness.cache) {
            harness.log.append($0)
        }
        store.save(Credentials(accessKeyID: "ASIA", secretAccessKey: secret, sessionToken: "tok-\(secret)"))
        harness.fs.addFile(store.path, Array("{\"secretAccessKey\":\"\(secret)\",".utf8), mode: 0o600, uid: 990)
        _ = store.load()
        #expect(harness.log.all.count >= 4)
        for line in harness.log.all {
            #expect(!line.contains(secret))
            #expect(!line.contains("AAAAC3NzaC1lZDI1NTE5"))
            #expect(!line.contains("AAAAE2VjZHNh"))
        }
    }

    @Test(arguments: [
        (AWSError.service(code: "Throttling", message: "", requestID: nil, status: 400), "Throttling"),
        (.transport(detail: "refused"), "NetworkError"),
        (.timeout(detail: "x"), "Timeout"),
        (.httpStatus(status: 503, detail: "x"), "HTTP503"),
        (.malformedResponse(detail: "x"), "MalformedResponse"),
        (.noCredentials(tried: []), "NoCredentials"),
        (.configuration(detail: "x"), "ConfigurationError"),
        (
            .deadlineExceeded(
                operation: "iam:ListSSHPublicKeys", attempts: 2,
                last: "AWS error Throttling (HTTP 400): Rate exceeded"), "DeadlineExceeded(Throttling)"
        ),
        (.deadlineExceeded(operation: "iam:X", attempts: 1, last: "timed out: x"), "DeadlineExceeded(Timeout)"),
    ])
    func errorCodes(error: AWSError, code: String) {
        #expect(KeyCommand.Audit.code(of: error) == code)
    }

    @Test func refusedAuditCarriesTheReasonAndNotice() {
        var audit = KeyCommand.Audit(localUser: "daemon")
        audit.refusal = .systemAccount(uid: 1, uidMin: 1000)
        #expect(audit.level == .notice)
        #expect(audit.metadata["reason"] == "system-account")
        #expect(audit.metadata["key_ids"] == nil)
        #expect(audit.metadata["keys"] == "0")
    }
}

/// Validates a known-good key line in tests.
enum AuthorizedKeyLineCheck {
    static func validated(_ line: String) throws -> ValidatedKey {
        try AuthorizedKeyLine.validate(line).get()
    }
}
