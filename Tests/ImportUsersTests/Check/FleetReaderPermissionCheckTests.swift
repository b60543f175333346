import AWSCore
import EC2SSHCore
import Testing

@testable import ImportUsers

/// `import_users check` on a fleet reader (SNAPSHOT_URL): one real GetObject of the snapshot, no IAM call.
@Suite struct FleetReaderPermissionCheckTests {
    static let reader = """
        SNAPSHOT_URL="s3://fleet-bucket/aws-ec2-ssh/snapshot"
        IAM_AUTHORIZED_GROUPS="ssh"
        SUDOERS_GROUPS="admins"
        ACCESS_EXPIRY_TAG="until"
        """

    @Test func aReaderReadsTheSnapshotObjectAndNothingFromIAM() throws {
        let endpoint = PermissionEndpoint(PermissionEndpoint.allAllowed)
        let report = try PermissionCheckTests.check(Self.reader + "\nSNAPSHOT_BUCKET_OWNER=\"111122223333\"", endpoint)
        #expect(
            PermissionCheckTests.statuses(report) == ["s3:GetObject s3://fleet-bucket/aws-ec2-ssh/snapshot=allowed"])
        #expect(report.verdict == .allowed)
        #expect(endpoint.actions == ["GetObject"])
        let url = try #require(endpoint.calls.first?.parameters["url"])
        #expect(url.hasSuffix("/fleet-bucket/aws-ec2-ssh/snapshot"))
        #expect(endpoint.calls.first?.parameters["owner"] == "111122223333")
        #expect(endpoint.calls.first?.accessKeyID == "AKIDHOST")
    }

    @Test func aDeniedGetObjectPrintsTheStatementForThatObject() throws {
        var replies = PermissionEndpoint.allAllowed
        replies["GetObject"] = .s3Error(code: "AccessDenied", status: 403)
        let endpoint = PermissionEndpoint(replies)
        let report = try PermissionCheckTests.check(Self.reader, endpoint)
        #expect(report.verdict == .denied)
        #expect(CheckExitCode(report.verdict) == .denied)
        #expect(report.missingActions == ["s3:GetObject"])
        guard case .denied(let code, let message) = report.results.first?.status else {
            Issue.record("GetObject was not denied: \(report.results)")
            return
        }
        #expect(code == "AccessDenied")
        #expect(message.contains("s3:ListBucket"))
        let text = report.renderText()
        #expect(text.contains("Add to the policy of the host's own credentials"))
        #expect(text.contains("\"Action\": \"s3:GetObject\""))
        #expect(text.contains("\"Resource\": \"arn:aws:s3:::fleet-bucket/aws-ec2-ssh/snapshot\""))
        #expect(report.json().text().contains("\"Resource\": \"arn:aws:s3:::fleet-bucket/aws-ec2-ssh/snapshot\""))
    }

    @Test func aMissingObjectIsAllowedWithANote() throws {
        var replies = PermissionEndpoint.allAllowed
        replies["GetObject"] = .s3Error(code: "NoSuchKey", status: 404)
        let report = try PermissionCheckTests.check(Self.reader, PermissionEndpoint(replies))
        #expect(report.verdict == .allowed)
        guard case .allowed(let note?) = report.results.first?.status else {
            Issue.record("NoSuchKey gave \(report.results)")
            return
        }
        #expect(note.contains("import_users publish"))
    }

    @Test func aServerErrorCannotBeChecked() throws {
        var replies = PermissionEndpoint.allAllowed
        replies["GetObject"] = .http(500)
        let report = try PermissionCheckTests.check(Self.reader, PermissionEndpoint(replies))
        #expect(report.verdict == .incomplete)
        #expect(CheckExitCode(report.verdict).rawValue == 3)
    }

    @Test func withAssumeRoleTheRoleReadsTheObject() throws {
        let endpoint = PermissionEndpoint(PermissionEndpoint.allAllowed)
        let report = try PermissionCheckTests.check("ASSUMEROLE=\"arn:aws:iam::1:role/ssh\"\n" + Self.reader, endpoint)
        #expect(report.verdict == .allowed)
        #expect(endpoint.actions == ["AssumeRole", "GetObject"])
        #expect(endpoint.calls.last?.accessKeyID == "ASIAROLE")
    }

    @Test func aDeniedAssumeRoleSkipsTheObject() throws {
        var replies = PermissionEndpoint.allAllowed
        replies["AssumeRole"] = .error(code: "AccessDenied", status: 403)
        let endpoint = PermissionEndpoint(replies)
        let report = try PermissionCheckTests.check("ASSUMEROLE=\"arn:aws:iam::1:role/ssh\"\n" + Self.reader, endpoint)
        #expect(
            PermissionCheckTests.statuses(report) == [
                "sts:AssumeRole arn:aws:iam::1:role/ssh=denied",
                "s3:GetObject s3://fleet-bucket/aws-ec2-ssh/snapshot=skipped",
            ])
        #expect(endpoint.actions == ["AssumeRole"])
    }
}
