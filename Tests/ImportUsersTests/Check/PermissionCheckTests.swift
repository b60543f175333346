import AWSCore
import EC2SSHCore
import Synchronization
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

/// What the scripted endpoint answers to one action.
enum Reply: Sendable {
    case ok(String)
    case error(code: String, status: Int)
    case s3Error(code: String, status: Int)
    case ec2Error(code: String, status: Int)
    case http(Int)
    case timeout
}

/// IAM, STS, EC2, IMDS and S3 on a script, through a `FakeTransport`; records each call (an S3 GET as `GetObject`,
/// with its URL in `parameters["url"]` and the expected bucket owner header in `parameters["owner"]`).
final class PermissionEndpoint: Sendable {
    struct Call: Sendable, Equatable {
        var action: String
        var parameters: [String: String]
        var accessKeyID: String
    }

    let replies: [String: Reply]
    private let seen = Mutex<[Call]>([])
    var calls: [Call] { seen.withLock { $0 } }
    var actions: [String] { calls.map(\.action) }

    init(_ replies: [String: Reply]) {
        self.replies = replies
    }

    var transport: FakeTransport { FakeTransport { [self] request, _ in try self.answer(request) } }

    func answer(_ request: HTTPRequest) throws -> HTTPResponse {
        if request.url.hasSuffix("/latest/api/token") { return HTTPResponse(status: 200, body: Array("t".utf8)) }
        if request.url.hasSuffix("/latest/meta-data/instance-id") {
            return HTTPResponse(status: 200, body: Array("i-0abc".utf8))
        }
        var parameters = ScriptedTransport.form(of: request)
        if request.method == "GET" && !request.url.contains("Action=") {
            parameters = ["Action": "GetObject", "url": request.url]
            parameters["owner"] = request.header("x-amz-expected-bucket-owner")
        }
        let action = parameters["Action"] ?? "?"
        let authorization = request.headers.first { $0.name.lowercased() == "authorization" }?.value ?? ""
        let key = authorization.split(separator: "=").dropFirst().first?.split(separator: "/").first.map(String.init)
        seen.withLock { $0.append(Call(action: action, parameters: parameters, accessKeyID: key ?? "")) }
        guard let reply = replies[action] else {
            Issue.record("unexpected call \(action)")
            throw AWSError.transport(detail: "not scripted: \(action)")
        }
        switch reply {
        case .ok(let inner) where action == "GetObject":
            return HTTPResponse(status: 200, headers: [HTTPField("ETag", "\"e1\"")], body: Array(inner.utf8))
        case .ok(let inner):
            let body = action == "DescribeTags" ? inner : "<\(action)Result>\(inner)</\(action)Result>"
            return Self.xml("<\(action)Response>\(body)</\(action)Response>", status: 200)
        case .error(let code, let status):
            return Self.xml(
                "<ErrorResponse><Error><Type>Sender</Type><Code>\(code)</Code><Message>User: arn:aws:iam::1:user/h "
                    + "is not authorized</Message></Error><RequestId>r</RequestId></ErrorResponse>", status: status)
        case .s3Error(let code, let status):
            let message = code == "AccessDenied" ? "Access Denied" : "The specified key does not exist."
            return Self.xml(
                "<Error><Code>\(code)</Code><Message>\(message)</Message><RequestId>r</RequestId></Error>",
                status: status)
        case .ec2Error(let code, let status):
            return Self.xml(
                "<Response><Errors><Error><Code>\(code)</Code><Message>You are not authorized to perform this "
                    + "operation.</Message></Error></Errors><RequestID>r</RequestID></Response>", status: status)
        case .http(let status):
            return HTTPResponse(status: status, body: Array("<html>Internal Server Error</html>".utf8))
        case .timeout:
            throw AWSError.timeout(detail: "127.0.0.1: no answer within 5 s")
        }
    }

    static func xml(_ text: String, status: Int) -> HTTPResponse {
        HTTPResponse(status: status, headers: [HTTPField("Content-Type", "text/xml")], body: Array(text.utf8))
    }

    static let user =
        "<Path>/</Path><UserName>alice</UserName><UserId>AIDAALICE</UserId><Arn>arn:aws:iam::1:user/alice</Arn>"
    static let group =
        "<Group><Path>/</Path><GroupName>ssh</GroupName><GroupId>AGPA1</GroupId><Arn>arn:aws:iam::1:group/ssh</Arn>"
        + "</Group><Users><member>\(user)</member></Users><IsTruncated>false</IsTruncated>"
    static let keys =
        "<SSHPublicKeys><member><UserName>alice</UserName><SSHPublicKeyId>APKAALICE1</SSHPublicKeyId>"
        + "<Status>Active</Status><UploadDate>2026-01-01T00:00:00Z</UploadDate></member></SSHPublicKeys>"
        + "<IsTruncated>false</IsTruncated>"
    static let assumed =
        "<Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t"
        + "</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>"
        + "arn:aws:sts::1:assumed-role/ssh/x</Arn><AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser>"

    /// Every action allowed, for a configuration with IAM_AUTHORIZED_GROUPS.
    static let allAllowed: [String: Reply] = [
        "GetGroup": .ok(group), "ListUsers": .ok("<Users><member>\(user)</member></Users>"),
        "ListSSHPublicKeys": .ok(keys), "GetSSHPublicKey": .ok("<SSHPublicKey/>"),
        "ListGroupsForUser": .ok("<Groups/>"), "ListUserTags": .ok("<Tags/>"), "AssumeRole": .ok(assumed),
        "DescribeTags": .ok("<tagSet/>"), "GetObject": .ok("aws-ec2-ssh-snapshot 1\n"),
    ]
}

/// `import_users check` over the real clients (signing, endpoints, ASSUMEROLE) with a scripted AWS.
@Suite struct PermissionCheckTests {
    static func check(
        _ text: String, _ endpoint: PermissionEndpoint, metadata: Bool = false
    ) throws -> PermissionReport {
        let configuration = try Configuration.parse(text, path: "test.conf").0
        var environment = [
            "AWS_ACCESS_KEY_ID": "AKIDHOST", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "eu-west-1",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        ]
        if metadata {
            environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:9"
        } else {
            environment["AWS_EC2_METADATA_DISABLED"] = "true"
        }
        let clients = AWSClients(
            environment: environment, transport: endpoint.transport, files: MemoryFileSystem.readOnly(),
            time: FakeClock(),
            retry: SingleAttempt(), assumeRoleARN: configuration.assumeRole, sessionHost: "host")
        return PermissionCheck(configuration: configuration, probe: AWSPermissionProbe(clients: clients)).run()
    }

    private func check(
        _ text: String, _ endpoint: PermissionEndpoint, metadata: Bool = false
    ) throws -> PermissionReport {
        try Self.check(text, endpoint, metadata: metadata)
    }

    static func statuses(_ report: PermissionReport) -> [String] {
        report.results.map { "\($0.need.label)=\($0.status.name)" }
    }

    private func statuses(_ report: PermissionReport) -> [String] {
        Self.statuses(report)
    }

    @Test func theBashToolsPolicyLacksListGroupsForUser() throws {
        var replies = PermissionEndpoint.allAllowed
        replies["ListGroupsForUser"] = .error(code: "AccessDenied", status: 403)
        let endpoint = PermissionEndpoint(replies)
        let report = try check("IAM_AUTHORIZED_GROUPS=\"ssh\"", endpoint)
        #expect(
            statuses(report) == [
                "iam:GetGroup ssh=allowed", "iam:ListSSHPublicKeys=allowed", "iam:GetSSHPublicKey=allowed",
                "iam:ListGroupsForUser=denied",
            ])
        #expect(report.verdict == .denied)
        #expect(CheckExitCode(report.verdict) == .denied)
        #expect(CheckExitCode.denied.rawValue == 8)
        #expect(report.missingActions == ["iam:ListGroupsForUser"])
        // Each action once, the per-user reads for the group's first member and that member's first key.
        #expect(endpoint.actions == ["GetGroup", "ListSSHPublicKeys", "GetSSHPublicKey", "ListGroupsForUser"])
        #expect(endpoint.calls[0].parameters["GroupName"] == "ssh")
        #expect(endpoint.calls[1...].allSatisfy { $0.parameters["UserName"] == "alice" })
        #expect(endpoint.calls[2].parameters["SSHPublicKeyId"] == "APKAALICE1")
        #expect(endpoint.calls.allSatisfy { $0.accessKeyID == "AKIDHOST" })
    }

    @Test(arguments: [
        (Reply.error(code: "AccessDenied", status: 403), "denied", CheckExitCode.denied),
        (.ec2Error(code: "UnauthorizedOperation", status: 403), "denied", .denied),
        (.error(code: "Throttling", status: 400), "error", .incomplete),
        (.http(500), "error", .incomplete),
        (.error(code: "ServiceFailure", status: 500), "error", .incomplete),
        (.timeout, "error", .incomplete),
        (.error(code: "InvalidClientTokenId", status: 403), "error", .incomplete),
        (.error(code: "NoSuchEntity", status: 404), "allowed", .ok),
    ])
    fileprivate func eachAnswerIsClassified(reply: Reply, status: String, exitCode: CheckExitCode) throws {
        var replies = PermissionEndpoint.allAllowed
        replies["ListSSHPublicKeys"] = reply
        let report = try check("", PermissionEndpoint(replies))
        #expect(report.results.map(\.status.name) == ["allowed", status, "allowed"])
        #expect(CheckExitCode(report.verdict) == exitCode)
    }

    @Test func aTimeoutSaysWhatToCheck() throws {
        var replies = PermissionEndpoint.allAllowed
        replies["ListUsers"] = .timeout
        let report = try check("", PermissionEndpoint(replies))
        guard case .error(let detail) = report.results.first?.status else {
            Issue.record("ListUsers is not an error: \(report.results)")
            return
        }
        #expect(detail.contains("timed out: 127.0.0.1"))
        #expect(detail.contains("check the network path to IAM"))
    }

    @Test func withoutUsersTheChecksUseANameThatDoesNotExist() throws {
        var replies = PermissionEndpoint.allAllowed
        replies["ListUsers"] = .ok("<Users/>")
        replies["ListSSHPublicKeys"] = .error(code: "NoSuchEntity", status: 404)
        replies["GetSSHPublicKey"] = .error(code: "NoSuchEntity", status: 404)
        let endpoint = PermissionEndpoint(replies)
        let report = try check("", endpoint)
        #expect(report.verdict == .allowed)
        #expect(endpoint.calls[1].parameters["UserName"] == PermissionCheck.placeholderUser)
        #expect(endpoint.calls[2].parameters["SSHPublicKeyId"] == PermissionCheck.placeholderKeyID)
        guard case .allowed(let note?) = report.results[1].status else {
            Issue.record("no note on \(report.results[1])")
            return
        }
        #expect(note.contains("NoSuchEntity"))
    }

    @Test func aMissingGroupIsAllowedWithANote() throws {
        var replies = PermissionEndpoint.allAllowed
        replies["GetGroup"] = .error(code: "NoSuchEntity", status: 404)
        let report = try check("IAM_AUTHORIZED_GROUPS=\"ssh\"", PermissionEndpoint(replies))
        #expect(
            report.results.first?.status == .allowed(note: PermissionCheck.noSuchEntityNote(report.results[0].need)))
        #expect(PermissionCheck.noSuchEntityNote(report.results[0].need).contains("IAM group ssh does not exist"))
    }

    @Test func iamIsReadWithTheAssumedRole() throws {
        let endpoint = PermissionEndpoint(PermissionEndpoint.allAllowed)
        let report = try check("ASSUMEROLE=\"arn:aws:iam::1:role/ssh\"", endpoint)
        #expect(report.verdict == .allowed)
        #expect(endpoint.actions == ["AssumeRole", "ListUsers", "ListSSHPublicKeys", "GetSSHPublicKey"])
        #expect(endpoint.calls[0].accessKeyID == "AKIDHOST")
        #expect(endpoint.calls[0].parameters["RoleArn"] == "arn:aws:iam::1:role/ssh")
        #expect(endpoint.calls[1...].allSatisfy { $0.accessKeyID == "ASIAROLE" })
    }

    @Test func aDeniedAssumeRoleSkipsTheIAMReads() throws {
        var replies = PermissionEndpoint.allAllowed
        replies["AssumeRole"] = .error(code: "AccessDenied", status: 403)
        let endpoint = PermissionEndpoint(replies)
        let report = try check("ASSUMEROLE=\"arn:aws:iam::1:role/ssh\"", endpoint)
        #expect(
            statuses(report) == [
                "sts:AssumeRole arn:aws:iam::1:role/ssh=denied", "iam:ListUsers=skipped",
                "iam:ListSSHPublicKeys=skipped", "iam:GetSSHPublicKey=skipped",
            ])
        #expect(endpoint.actions == ["AssumeRole"])
        #expect(CheckExitCode(report.verdict) == .denied)
        #expect(report.renderText().contains("Add to the policy of the host's own credentials"))
        #expect(report.json().text().contains("\"Resource\": \"arn:aws:iam::1:role/ssh\""))
    }

    @Test func instanceTagsAreCheckedWithDescribeTags() throws {
        let endpoint = PermissionEndpoint(PermissionEndpoint.allAllowed)
        let report = try check("IAM_AUTHORIZED_GROUPS_TAG=\"ssh-groups\"", endpoint, metadata: true)
        #expect(report.verdict == .allowed)
        #expect(endpoint.actions == ["DescribeTags", "GetGroup", "ListSSHPublicKeys", "GetSSHPublicKey"])
        #expect(endpoint.calls[0].parameters["Filter.1.Value.1"] == "i-0abc")
        #expect(endpoint.calls[0].parameters["Filter.2.Value.1"] == "ssh-groups")
        #expect(endpoint.calls[1].parameters["GroupName"] == PermissionCheck.placeholderGroup)
    }

    @Test func withoutInstanceMetadataDescribeTagsCannotBeChecked() throws {
        let endpoint = PermissionEndpoint(PermissionEndpoint.allAllowed)
        let report = try check("SUDOERS_GROUPS_TAG=\"sudo-groups\"", endpoint)
        #expect(report.results.first?.status.name == "error")
        #expect(report.verdict == .incomplete)
        #expect(!endpoint.actions.contains("DescribeTags"))
    }
}
