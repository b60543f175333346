import AWSCore
import EC2SSHCore
import EC2SSHShared
import ImportUsers
import Testing

@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `import_users check` against moto with IAM authorization enforced (scripts/moto-bootstrap.py switches it on):
/// a host whose credentials carry only the bash tool's policy is told that iam:ListGroupsForUser is missing.
@Suite(.enabled(if: MotoEnvironment.isAvailable, "needs the moto server started by scripts/test"))
struct PermissionCheckMotoTests {
    let moto: MotoEnvironment
    let admin: QueryClient

    init() throws {
        moto = try #require(MotoEnvironment.current)
        admin = try moto.queryClient(.iam)
    }

    /// The bash aws-ec2-ssh's policy as its README gave it (moto matches IAM user actions only against
    /// `Resource: "*"`, so the original's `user/*` resource is `*` here).
    static let bashToolPolicy = """
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": ["iam:ListUsers", "iam:GetGroup"], "Resource": "*"},
          {"Effect": "Allow", "Action": ["iam:GetSSHPublicKey", "iam:ListSSHPublicKeys"], "Resource": "*"},
          {"Effect": "Allow", "Action": "ec2:DescribeTags", "Resource": "*"}
        ]}
        """

    /// An IAM user standing in for the host's instance role, with `policy`; returns its environment.
    func hostCredentials(policy: String) throws -> [String: String] {
        let name = MotoEnvironment.uniqueName("host")
        _ = try admin.call("CreateUser", [("UserName", name)])
        _ = try admin.call(
            "PutUserPolicy", [("UserName", name), ("PolicyName", "aws-ec2-ssh"), ("PolicyDocument", policy)])
        let key = try admin.call("CreateAccessKey", [("UserName", name)])
        let secret: String = try #require(key.text(of: "AccessKey/SecretAccessKey"))
        let accessKeyID: String = try #require(key.text(of: "AccessKey/AccessKeyId"))
        var environment = moto.awsEnvironment(secret: secret, accessKeyID: accessKeyID)
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        environment["HOST_USER"] = name
        return environment
    }

    func check(_ configurationText: String, environment: [String: String]) throws -> PermissionReport {
        let configuration = try Configuration.parse(configurationText, path: "test.conf").0
        let time = SystemTimeSource()
        let clients = AWSClients(
            environment: environment, transport: CurlTransport(environment: [:]), files: SystemFileReader(),
            time: time, retry: Retrier(time: time, random: SystemRandomSource()),
            assumeRoleARN: configuration.assumeRole, sessionHost: "integration")
        return PermissionCheck(configuration: configuration, probe: AWSPermissionProbe(clients: clients)).run()
    }

    /// A group with one member who has an SSH key, so the per-user reads hit a real user and key.
    func groupWithMember() throws -> String {
        let group = MotoEnvironment.uniqueName("chk-ssh")
        let user = MotoEnvironment.uniqueName("chk-alice")
        _ = try admin.call("CreateGroup", [("GroupName", group)])
        _ = try admin.call("CreateUser", [("UserName", user)])
        _ = try admin.call("AddUserToGroup", [("GroupName", group), ("UserName", user)])
        _ = try admin.call("UploadSSHPublicKey", [("UserName", user), ("SSHPublicKeyBody", TestKeys.ed25519)])
        return group
    }

    @Test func theBashToolsPolicyMissesListGroupsForUser() throws {
        let group = try groupWithMember()
        let environment = try hostCredentials(policy: Self.bashToolPolicy)
        let report = try check("IAM_AUTHORIZED_GROUPS=\"\(group)\"", environment: environment)
        #expect(
            report.results.map { "\($0.need.action)=\($0.status.name)" } == [
                "iam:GetGroup=allowed", "iam:ListSSHPublicKeys=allowed", "iam:GetSSHPublicKey=allowed",
                "iam:ListGroupsForUser=denied",
            ])
        #expect(report.verdict == .denied)
        #expect(CheckExitCode(report.verdict) == .denied)
        #expect(report.missingActions == ["iam:ListGroupsForUser"])
        guard case .denied(let code, _) = report.results.last?.status else {
            Issue.record("ListGroupsForUser was not denied: \(report.results)")
            return
        }
        #expect(code == "AccessDenied")
        #expect(report.renderText().contains("\"Action\": \"iam:ListGroupsForUser\""))

        // Adding the statement the check printed (with moto's Resource "*") makes the check pass.
        var statement = PermissionNeed.statement(for: "iam:ListGroupsForUser", roleARN: "")
        if case .object(let members) = statement {
            statement = .object(members.map { $0.0 == "Resource" ? ($0.0, .string("*")) : $0 })
        }
        let user = try #require(environment["HOST_USER"])
        _ = try admin.call(
            "PutUserPolicy",
            [
                ("UserName", user), ("PolicyName", "added-by-check"),
                (
                    "PolicyDocument",
                    JSONValue.object([("Version", .string("2012-10-17")), ("Statement", .array([statement]))]).text()
                ),
            ])
        let after = try check("IAM_AUTHORIZED_GROUPS=\"\(group)\"", environment: environment)
        #expect(after.verdict == .allowed, "\(after.renderText())")
    }

    @Test func theBashToolsPolicyIsEnoughWithoutGroups() throws {
        let environment = try hostCredentials(policy: Self.bashToolPolicy)
        let report = try check("", environment: environment)
        #expect(report.verdict == .allowed, "\(report.renderText())")
        #expect(report.results.map(\.need.action) == ["iam:ListUsers", "iam:ListSSHPublicKeys", "iam:GetSSHPublicKey"])
    }

    @Test func expiryTagsNeedListUserTagsWhichTheBashToolNeverUsed() throws {
        let environment = try hostCredentials(policy: Self.bashToolPolicy)
        let report = try check("ACCESS_EXPIRY_TAG=\"ssh-until\"", environment: environment)
        #expect(report.missingActions == ["iam:ListUserTags"])
    }

    @Test func theShippedPolicyPassesEveryCheck() throws {
        // etc/iam/single-account-policy.json as shipped, with moto's Resource "*".
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let shipped = String(
            decoding: try Data(contentsOf: url.appendingPathComponent("etc/iam/single-account-policy.json")),
            as: UTF8.self)
        let policy = shipped.replacing("\"arn:aws:iam::*:group/*\"", with: "\"*\"")
            .replacing("\"arn:aws:iam::*:user/*\"", with: "\"*\"")
        #expect(!policy.contains("arn:aws:iam::*"))
        let group = try groupWithMember()
        let environment = try hostCredentials(policy: policy)
        let report = try check(
            "IAM_AUTHORIZED_GROUPS=\"\(group)\"\nSUDOERS_GROUPS=\"\(group)\"\nACCESS_EXPIRY_TAG=\"ssh-until\"",
            environment: environment)
        #expect(report.verdict == .allowed, "\(report.renderText())")
    }

    /// A fleet reader needs s3:GetObject on the snapshot object and nothing from IAM: the bash tool's IAM policy is
    /// told exactly that statement; etc/iam/fleet-reader-policy.json (for this object) passes, and grants no
    /// other key of the bucket.
    @Test func aFleetReaderNeedsGetObjectOnTheSnapshotOnly() throws {
        let bucket = try moto.makeBucket()
        let key = "aws-ec2-ssh/snapshot"
        _ = try moto.s3Client().putObject(
            S3Location(bucket: bucket, key: key), body: Array("aws-ec2-ssh-snapshot 1\n".utf8),
            contentType: "application/vnd.aws-ec2-ssh.snapshot", metadata: [:])
        let reader = "SNAPSHOT_URL=\"s3://\(bucket)/\(key)\"\nIAM_AUTHORIZED_GROUPS=\"ssh\""

        let iamOnly = try check(reader, environment: try hostCredentials(policy: Self.bashToolPolicy))
        #expect(iamOnly.results.map(\.need.action) == ["s3:GetObject"])
        #expect(iamOnly.missingActions == ["s3:GetObject"])
        #expect(CheckExitCode(iamOnly.verdict) == .denied)
        #expect(iamOnly.renderText().contains("\"Resource\": \"arn:aws:s3:::\(bucket)/\(key)\""))

        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let shipped = String(
            decoding: try Data(contentsOf: url.appendingPathComponent("etc/iam/fleet-reader-policy.json")),
            as: UTF8.self)
        let policy = shipped.replacing("SNAPSHOT_BUCKET/SNAPSHOT_KEY", with: "\(bucket)/\(key)")
        #expect(policy != shipped)
        let environment = try hostCredentials(policy: policy)
        let report = try check(reader, environment: environment)
        #expect(report.verdict == .allowed, "\(report.renderText())")

        let other = try check("SNAPSHOT_URL=\"s3://\(bucket)/other\"", environment: environment)
        #expect(other.missingActions == ["s3:GetObject"], "\(other.renderText())")
    }
}
