import AWSCore
import EC2SSHCore
import FleetPublisher
import TestSupport
import Testing

/// `--print-public-key` and the settings the publisher takes from the configuration.
@Suite struct PublicKeyExportTests {
    struct NotP256: Error {}

    @Test func exportsThePublicKeyAsPEM() throws {
        let kms = FakeKMSSigner(keyID: "alias/k", publicKeyDER: Array(0..<91))
        let pem = try PublicKeyExport(kms: kms, makeVerifier: { FakeSignatureVerifier(der: $0) }).pem(keyID: "alias/k")
        #expect(pem == PublicKeyPEM.encode(Array(0..<91)))
        #expect(kms.publicKeyCalls == 1)
    }

    @Test func refusesAKeyReadersCannotUse() {
        let kms = FakeKMSSigner(keyID: "alias/k")
        let error = #expect(throws: PublishError.self) {
            try PublicKeyExport(kms: kms, makeVerifier: { _ in throw NotP256() }).pem(keyID: "alias/k")
        }
        #expect(error?.exitCode == .configuration)
        #expect(error?.description.contains("ECC_NIST_P256") == true)
    }

    static let tagCases: [([String], String, Set<String>)] = [
        ([], "", []), ([], "ssh-expires", ["ssh-expires"]), (["team", "x"], "ssh-expires", ["team", "x"]),
    ]

    @Test(arguments: tagCases)
    func carriesTheConfiguredTagsElseTheExpiryTag(snapshotTags: [String], expiryTag: String, expected: Set<String>) {
        var configuration = Configuration()
        configuration.snapshotTags = snapshotTags
        configuration.accessExpiryTag = expiryTag
        #expect(PublisherSettings.carriedTags(configuration) == expected)
    }
}
