import AWSCore
import Testing

@testable import TestSupport

/// Every AWS operation we use, signed for real over libcurl, against moto with signature checking on.
@Suite(.enabled(if: MotoEnvironment.isAvailable, "needs the moto server started by scripts/test"))
struct AWSCoreMotoTests {
    let moto: MotoEnvironment
    let admin: QueryClient
    let iam: IAMClient

    init() throws {
        moto = try #require(MotoEnvironment.current)
        admin = try moto.queryClient(.iam)
        iam = IAMClient(query: admin)
    }

    /// Creates a user with the given keys; returns the user name.
    func makeUser(_ prefix: String, keys: [String] = []) throws -> String {
        let name = MotoEnvironment.uniqueName(prefix)
        _ = try admin.call("CreateUser", [("UserName", name)])
        for key in keys {
            _ = try admin.call("UploadSSHPublicKey", [("UserName", name), ("SSHPublicKeyBody", key)])
        }
        return name
    }

    @Test func iamUserKeysGroupsAndTagsRoundTrip() throws {
        let name = try makeUser("alice", keys: [TestKeys.ed25519, TestKeys.rsa])
        let group = MotoEnvironment.uniqueName("devs")
        _ = try admin.call("CreateGroup", [("GroupName", group)])
        _ = try admin.call("AddUserToGroup", [("GroupName", group), ("UserName", name)])
        _ = try admin.call(
            "TagUser",
            [("UserName", name), ("Tags.member.1.Key", "aws-ec2-ssh-expires"), ("Tags.member.1.Value", "2030-01-01")])

        let user = try iam.getUser(userName: name)
        #expect(user.userName == name)
        #expect(user.arn.hasSuffix(":user/\(name)"))
        #expect(try iam.listUsers().contains { $0.userName == name && $0.userID == user.userID })

        let members = try iam.getGroup(group)
        #expect(members.group.groupName == group)
        #expect(members.users.map(\.userName) == [name])
        #expect(try iam.listGroupsForUser(userName: name).map(\.groupName) == [group])
        #expect(try iam.listUserTags(userName: name) == [IAMTag(key: "aws-ec2-ssh-expires", value: "2030-01-01")])

        let keys = try iam.listSSHPublicKeys(userName: name)
        #expect(keys.count == 2)
        #expect(keys.allSatisfy { $0.status == .active })
        let bodies = try keys.map { try iam.getSSHPublicKey(userName: name, keyID: $0.keyID).body }
        #expect(Set(bodies) == [TestKeys.ed25519, TestKeys.rsa])
    }

    @Test func inactiveKeysAreReportedInactive() throws {
        let name = try makeUser("bob", keys: [TestKeys.ed25519])
        let keyID = try #require(try iam.listSSHPublicKeys(userName: name).first?.keyID)
        _ = try admin.call(
            "UpdateSSHPublicKey", [("UserName", name), ("SSHPublicKeyId", keyID), ("Status", "Inactive")])
        #expect(try iam.listSSHPublicKeys(userName: name).map(\.status) == [.inactive])
        #expect(try iam.getSSHPublicKey(userName: name, keyID: keyID).status == .inactive)
    }

    @Test func unknownUserIsNoSuchEntity() throws {
        #expect(throws: AWSError.self) {
            try iam.listSSHPublicKeys(userName: "no-such-user-\(UInt32.random(in: 0...9999))")
        }
        do {
            _ = try iam.getUser(userName: MotoEnvironment.uniqueName("ghost"))
            Issue.record("getUser of a missing user succeeded")
        } catch let error as AWSError {
            #expect(error.code == "NoSuchEntity")
        }
    }

    @Test func hostileKeyBodiesComeBackVerbatimForTheValidatorToJudge() throws {
        let hostile = "command=\"/bin/sh\" " + TestKeys.ed25519 + "\nssh-rsa AAAA injected"
        let name = try makeUser("mallory", keys: [hostile])
        let keyID = try #require(try iam.listSSHPublicKeys(userName: name).first?.keyID)
        #expect(try iam.getSSHPublicKey(userName: name, keyID: keyID).body == hostile)
    }

    @Test(arguments: [
        ("wrong secret", true, "SignatureDoesNotMatch"),
        ("unknown access key", false, "InvalidClientTokenId"),
    ])
    func badCredentialsAreRejected(label: String, keepKeyID: Bool, expectedCode: String) throws {
        let env = moto.awsEnvironment(
            secret: "wrong-secret-\(label.count)", accessKeyID: keepKeyID ? nil : "AKIAIOSFODNN7EXAMPLE")
        let client = IAMClient(query: try moto.queryClient(.iam, environment: env))
        do {
            _ = try client.listUsers()
            Issue.record("\(label): ListUsers succeeded with bad credentials")
        } catch let error as AWSError {
            #expect(error.code == expectedCode, "\(label): \(error)")
        }
    }

    @Test func listUsersFollowsPaginationPastOneThousand() throws {
        let prefix = MotoEnvironment.uniqueName("page")
        for index in 0..<1_005 {
            _ = try admin.call("CreateUser", [("UserName", "\(prefix)-\(index)")])
        }
        let mine = try iam.listUsers().filter { $0.userName.hasPrefix(prefix + "-") }
        #expect(mine.count == 1_005)
        #expect(Set(mine.map(\.userName)).count == 1_005)
    }

    @Test func stsCallerIdentityAndAssumeRole() throws {
        let sts = STSClient(query: try moto.queryClient(.sts))
        let identity = try sts.getCallerIdentity()
        #expect(identity.arn.hasSuffix(":user/moto-admin"))

        let assumed = try sts.assumeRole(roleARN: moto.roleARN, sessionName: "aws-ec2-ssh-test", durationSeconds: 900)
        #expect(assumed.credentials.accessKeyID.hasPrefix("ASIA"))
        #expect(assumed.credentials.sessionToken != nil)
        #expect(assumed.credentials.expiration != nil)

        var env = moto.awsEnvironment(
            secret: assumed.credentials.secretAccessKey, accessKeyID: assumed.credentials.accessKeyID)
        env["AWS_SESSION_TOKEN"] = assumed.credentials.sessionToken
        let asRole = IAMClient(query: try moto.queryClient(.iam, environment: env))
        #expect(try asRole.listUsers().contains { $0.userName == "moto-admin" })
    }

    @Test func ec2DescribeTagsFiltersByResourceAndKey() throws {
        let ec2 = try moto.queryClient(.ec2)
        let groupName = MotoEnvironment.uniqueName("sg")
        let created = try ec2.call("CreateSecurityGroup", [("GroupName", groupName), ("GroupDescription", "test")])
        let groupID = try #require(created.child("groupId")?.text)
        _ = try ec2.call(
            "CreateTags",
            [
                ("ResourceId.1", groupID), ("Tag.1.Key", "ssh-groups"), ("Tag.1.Value", "devs,ops"),
                ("Tag.2.Key", "other"), ("Tag.2.Value", "x"),
            ])
        let tags = try EC2Client(query: ec2).describeTags(resourceID: groupID, key: "ssh-groups")
        #expect(tags == [EC2Tag(resourceID: groupID, key: "ssh-groups", value: "devs,ops")])
        #expect(try EC2Client(query: ec2).describeTags(resourceID: groupID, key: "absent").isEmpty)
    }

    @Test func imdsV2InstanceRoleCredentials() throws {
        let imds = IMDSClient(endpoint: moto.url, transport: CurlTransport(environment: [:]), time: SystemTimeSource())
        #expect(try imds.instanceID().hasPrefix("i-"))
        let provider = InstanceRoleCredentialsProvider(imds: imds, time: SystemTimeSource())
        let credentials = try #require(try provider.credentials())
        #expect(!credentials.accessKeyID.isEmpty)
        #expect(credentials.sessionToken != nil)
        #expect(credentials.expiration != nil)
    }
}
