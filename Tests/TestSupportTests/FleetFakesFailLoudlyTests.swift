import AWSCore
import Testing

@testable import TestSupport

/// The publisher's doubles (`FakeIAMDirectory`, `FakeSnapshotStorage`, `FakeKMSSigner`) answer what a test set up
/// and fail the test on anything else.
@Suite struct FleetFakesFailLoudlyTests {
    @Test func theDirectoryFailsTheTestForAUserGroupOrTagsNobodySetUp() {
        let iam = FakeIAMDirectory()
        iam.addUser("alice")
        #expect(throws: Never.self) { try iam.listSSHPublicKeys(userName: "alice") }
        withKnownIssue {
            #expect(throws: AWSError.self) { try iam.listSSHPublicKeys(userName: "nobody") }
            #expect(throws: AWSError.self) { try iam.getGroup("nogroup") }
            #expect(throws: AWSError.self) { try iam.listUserTags(userName: "alice") }
            #expect(throws: AWSError.self) { try iam.getSSHPublicKey(userName: "alice", keyID: "APKNONE") }
        }
        #expect(iam.calls.count == 5)
    }

    @Test func theStorageFailsTheTestForAnObjectNobodySetUp() {
        let storage = FakeSnapshotStorage()
        let location = S3Location(bucket: "b", key: "k")
        withKnownIssue {
            #expect(throws: AWSError.self) { try storage.getObject(location, ifNoneMatch: nil) }
        }
        storage.declareEmpty(location)
        #expect(
            throws: AWSError.service(
                code: "NoSuchKey", message: "The specified key does not exist.", requestID: nil, status: 404)
        ) {
            try storage.getObject(location, ifNoneMatch: nil)
        }
    }

    @Test func theStorageAnswersAConditionalGetLikeS3() throws {
        let storage = FakeSnapshotStorage()
        let location = S3Location(bucket: "b", key: "k")
        let etag = try storage.putObject(location, body: [1], contentType: "t", metadata: [:])
        #expect(try storage.getObject(location, ifNoneMatch: etag) == .notModified)
        #expect(try storage.getObject(location, ifNoneMatch: "\"other\"") == .object(S3Object(body: [1], etag: etag)))
        #expect(storage.conditionalGets == [etag, "\"other\""])
    }

    @Test func theSignerFailsTheTestForAnotherKeyAndItsSignaturesVerifyOnlyForItsKey() throws {
        let kms = FakeKMSSigner(keyID: "alias/k")
        withKnownIssue {
            #expect(throws: AWSError.self) { try kms.sign(keyID: "alias/other", message: [1]) }
            #expect(throws: AWSError.self) { try kms.publicKey(keyID: "alias/other") }
        }
        let signature = try kms.sign(keyID: "alias/k", message: [1, 2])
        #expect(FakeSignatureVerifier(der: kms.publicKeyDER).isValidSignature(signature, for: [1, 2]))
        #expect(!FakeSignatureVerifier(der: kms.publicKeyDER).isValidSignature(signature, for: [1, 3]))
        #expect(!FakeSignatureVerifier(der: [9]).isValidSignature(signature, for: [1, 2]))
    }
}
