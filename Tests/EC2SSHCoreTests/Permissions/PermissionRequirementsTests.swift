import Testing

@testable import EC2SSHCore

/// Which AWS actions `import_users check` calls for a configuration: the same ones the code calls.
@Suite struct PermissionRequirementsTests {
    typealias P = PermissionRequirements

    static func configuration(_ text: String) throws -> Configuration {
        try Configuration.parse(text, path: "test.conf").0
    }

    /// `action subject` labels of the needs, in order.
    static func labels(_ text: String) throws -> [String] {
        P.needs(for: try configuration(text)).map(\.label)
    }

    @Test(arguments: [
        ("", ["iam:ListUsers", "iam:ListSSHPublicKeys", "iam:GetSSHPublicKey"]),
        (
            "IAM_AUTHORIZED_GROUPS=\"ssh,ops\"",
            [
                "iam:GetGroup ssh", "iam:GetGroup ops", "iam:ListSSHPublicKeys", "iam:GetSSHPublicKey",
                "iam:ListGroupsForUser",
            ]
        ),
        (
            "IAM_AUTHORIZED_GROUPS=\"ssh\"\nSUDOERS_GROUPS=\"ssh,admins\"\nLOCAL_GROUP_MAP=\"docker-users:docker\"",
            [
                "iam:GetGroup ssh", "iam:GetGroup admins", "iam:GetGroup docker-users", "iam:ListSSHPublicKeys",
                "iam:GetSSHPublicKey", "iam:ListGroupsForUser",
            ]
        ),
        ("SUDOERS_GROUPS=\"##ALL##\"", ["iam:ListUsers", "iam:ListSSHPublicKeys", "iam:GetSSHPublicKey"]),
        (
            "IAM_AUTHORIZED_GROUPS_TAG=\"ssh-groups\"\nSUDOERS_GROUPS_TAG=\"sudo-groups\"",
            [
                "ec2:DescribeTags ssh-groups", "ec2:DescribeTags sudo-groups", "iam:GetGroup",
                "iam:ListSSHPublicKeys", "iam:GetSSHPublicKey",
            ]
        ),
        (
            "ACCESS_EXPIRY_TAG=\"ssh-until\"",
            ["iam:ListUsers", "iam:ListUserTags", "iam:ListSSHPublicKeys", "iam:GetSSHPublicKey"]
        ),
        (
            "ASSUMEROLE=\"arn:aws:iam::111122223333:role/ssh\"",
            [
                "sts:AssumeRole arn:aws:iam::111122223333:role/ssh", "iam:ListUsers", "iam:ListSSHPublicKeys",
                "iam:GetSSHPublicKey",
            ]
        ),
    ])
    func needsFollowTheSettings(text: String, expected: [String]) throws {
        #expect(try Self.labels(text) == expected)
    }

    @Test func theKeyCommandNeedsListGroupsForUserExactlyWhenItChecksGroupsLive() throws {
        // KeyCommandSystem passes IAM_AUTHORIZED_GROUPS (not the tag's groups) to SSHKeyFetcher, which calls
        // ListGroupsForUser only when that list is not empty.
        for (text, expected) in [
            ("IAM_AUTHORIZED_GROUPS=\"ssh\"", true), ("IAM_AUTHORIZED_GROUPS_TAG=\"t\"", false), ("", false),
            ("IAM_AUTHORIZED_GROUPS=\"ssh\"\nIAM_AUTHORIZED_GROUPS_TAG=\"t\"", true),
        ] {
            let needs = P.needs(for: try Self.configuration(text))
            let need = needs.first { $0.action == P.listGroupsForUser }
            #expect((need != nil) == expected, "\(text)")
            #expect(need.map { $0.neededBy == [P.keyCommand] } ?? true)
        }
    }

    @Test func aGroupNamedTwiceIsCalledOnceWithBothReasons() throws {
        let needs = P.needs(
            for: try Self.configuration("IAM_AUTHORIZED_GROUPS=\"ssh\"\nSUDOERS_GROUPS=\"ssh\""))
        let groups = needs.filter { $0.action == P.getGroup }
        #expect(groups.count == 1)
        #expect(groups.first?.reason == "IAM_AUTHORIZED_GROUPS names it; SUDOERS_GROUPS names it")
    }

    @Test func iamReadsUseTheAssumedRoleButTagsAndSTSTheHost() throws {
        let needs = P.needs(
            for: try Self.configuration(
                "ASSUMEROLE=\"arn:aws:iam::111122223333:role/ssh\"\nIAM_AUTHORIZED_GROUPS_TAG=\"t\""))
        for need in needs {
            let host = need.action == P.assumeRole || need.action == P.describeTags
            #expect(need.principal == (host ? .host : .assumedRole), "\(need.label)")
        }
        #expect(P.needs(for: Configuration()).allSatisfy { $0.principal == .host })
    }

    @Test func theKeyCacheMakesImportUsersReadKeysToo() throws {
        let needs = P.needs(for: try Self.configuration("KEY_CACHE_TTL=\"300\""))
        let keys = needs.filter { $0.action == P.listSSHPublicKeys || $0.action == P.getSSHPublicKey }
        #expect(keys.count == 2)
        #expect(keys.allSatisfy { $0.neededBy == [P.keyCommand, P.importUsers] })
        #expect(
            P.needs(for: Configuration()).filter { $0.action == P.listSSHPublicKeys }.map(\.neededBy)
                == [[P.keyCommand]])
    }

    @Test func knownActionsAreExactlyWhatSomeConfigurationNeeds() throws {
        let all = try [
            "ASSUMEROLE=\"arn:aws:iam::1:role/r\"\nIAM_AUTHORIZED_GROUPS=\"a\"\nIAM_AUTHORIZED_GROUPS_TAG=\"t\"\n"
                + "ACCESS_EXPIRY_TAG=\"e\"",
            "",
            "SNAPSHOT_URL=\"s3://fleet-bucket/aws-ec2-ssh/snapshot\"",
        ].flatMap { P.needs(for: try Self.configuration($0)).map(\.action) }
        #expect(Set(all) == Set(P.knownActions))
        #expect(P.knownActions.count == Set(P.knownActions).count)
    }

    /// A fleet reader (SNAPSHOT_URL) makes no IAM call: the snapshot object, plus what the instance tags and
    /// ASSUMEROLE need, whatever the IAM settings say.
    @Test(arguments: [
        ("", ["s3:GetObject s3://fleet-bucket/aws-ec2-ssh/snapshot"]),
        (
            "IAM_AUTHORIZED_GROUPS=\"ssh\"\nSUDOERS_GROUPS=\"admins\"\nACCESS_EXPIRY_TAG=\"e\"\nKEY_CACHE_TTL=\"300\"",
            ["s3:GetObject s3://fleet-bucket/aws-ec2-ssh/snapshot"]
        ),
        (
            "IAM_AUTHORIZED_GROUPS_TAG=\"ssh-groups\"\nSUDOERS_GROUPS_TAG=\"sudo-groups\"",
            [
                "ec2:DescribeTags ssh-groups", "ec2:DescribeTags sudo-groups",
                "s3:GetObject s3://fleet-bucket/aws-ec2-ssh/snapshot",
            ]
        ),
        (
            "ASSUMEROLE=\"arn:aws:iam::1:role/r\"\nSNAPSHOT_KMS_KEY_ID=\"alias/fleet\"",
            ["sts:AssumeRole arn:aws:iam::1:role/r", "s3:GetObject s3://fleet-bucket/aws-ec2-ssh/snapshot"]
        ),
    ])
    func aFleetReaderNeedsOnlyTheSnapshotObject(text: String, expected: [String]) throws {
        let reader = "SNAPSHOT_URL=\"s3://fleet-bucket/aws-ec2-ssh/snapshot\"\n" + text
        #expect(try Self.labels(reader) == expected)
        let needs = P.needs(for: try Self.configuration(reader))
        #expect(!needs.contains { $0.action.hasPrefix("iam:") })
        let read = try #require(needs.last)
        #expect(read.neededBy == [P.importUsers, P.keyCommand])
        #expect(read.principal == (text.contains("ASSUMEROLE") ? .assumedRole : .host))
    }

    @Test func theSnapshotStatementNamesTheObject() {
        #expect(
            PermissionNeed.policyResource(for: P.getObject, roleARN: "", snapshot: "s3://fleet-bucket/a/b")
                == "arn:aws:s3:::fleet-bucket/a/b")
        #expect(
            PermissionNeed.policyResource(for: P.getObject, roleARN: "")
                == "arn:aws:s3:::SNAPSHOT_BUCKET/SNAPSHOT_KEY")
    }

    @Test func aStatementAllowsTheActionOnItsResource() {
        #expect(
            PermissionNeed.statement(for: P.listGroupsForUser, roleARN: "").text()
                == """
                {
                  "Sid": "AwsEc2SshListGroupsForUser",
                  "Effect": "Allow",
                  "Action": "iam:ListGroupsForUser",
                  "Resource": "arn:aws:iam::*:user/*"
                }

                """)
        let role = "arn:aws:iam::111122223333:role/ssh"
        #expect(PermissionNeed.policyResource(for: P.assumeRole, roleARN: role) == role)
        #expect(PermissionNeed.policyResource(for: P.getGroup, roleARN: role) == "arn:aws:iam::*:group/*")
        #expect(PermissionNeed.policyResource(for: P.listUsers, roleARN: role) == "*")
        #expect(PermissionNeed.policyResource(for: P.describeTags, roleARN: role) == "*")
    }
}
