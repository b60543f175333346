import AWSCore
import EC2SSHCore
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

/// A deleted IAM group is an answer; any other failed read makes the view incomplete, scoped to what it can affect.
@Suite struct IAMReaderScopeTests {
    static let noSuchEntity = AWSError.service(
        code: "NoSuchEntity", message: "The group with name gone cannot be found.", requestID: nil, status: 404)
    static let failures: [AWSError] = [
        .service(code: "Throttling", message: "Rate exceeded", requestID: nil, status: 400),
        .service(code: "AccessDenied", message: "not authorized", requestID: nil, status: 403),
        .service(code: "InternalFailure", message: "oops", requestID: nil, status: 500),
        .httpStatus(status: 503, detail: "Service Unavailable"),
        .timeout(detail: "iam.amazonaws.com after 10 s"),
        .transport(detail: "connection refused"),
        .deadlineExceeded(operation: "GetGroup", attempts: 5, last: "Throttling"),
    ]

    func read(_ configText: String, _ script: FakeAWSReader.Script) throws -> (IAMReader.Result, LogCapture) {
        let log = LogCapture()
        let configuration = try Configuration.parse(configText, path: "/c").0
        let result = try IAMReader(
            source: FakeAWSReader(script), request: IAMReader.Request(configuration: configuration),
            logger: log.logger
        ).read()
        return (result, log)
    }

    struct MissingCase: Sendable, CustomTestStringConvertible {
        var config: String
        var setting: String
        var authorized: IAMView.Selection
        var sudo: IAMView.Selection
        var groupMembers: [String: Set<String>]
        var testDescription: String { setting }
    }

    static let missingCases: [MissingCase] = [
        .init(
            config: "IAM_AUTHORIZED_GROUPS=\"ssh,gone\"", setting: "IAM_AUTHORIZED_GROUPS",
            authorized: .members(["alice"]), sudo: .members([]), groupMembers: [:]),
        .init(
            config: "IAM_AUTHORIZED_GROUPS=\"gone\"", setting: "IAM_AUTHORIZED_GROUPS",
            authorized: .members([]), sudo: .members([]), groupMembers: [:]),
        .init(
            config: "IAM_AUTHORIZED_GROUPS=\"ssh\"\nSUDOERS_GROUPS=\"ssh,gone\"", setting: "SUDOERS_GROUPS",
            authorized: .members(["alice"]), sudo: .members(["alice"]), groupMembers: [:]),
        .init(
            config: "IAM_AUTHORIZED_GROUPS=\"ssh\"\nLOCAL_GROUP_MAP=\"gone:docker\"", setting: "LOCAL_GROUP_MAP",
            authorized: .members(["alice"]), sudo: .members([]), groupMembers: ["gone": []]),
    ]

    @Test(arguments: missingCases)
    func aDeletedGroupHasNoMembersAndTheReadStaysComplete(_ test: MissingCase) throws {
        let (result, log) = try read(
            test.config, .init(groups: ["ssh": .success(["alice"]), "gone": .failure(Self.noSuchEntity)]))
        #expect(result.view.isComplete)
        #expect(result.view.failedReads.isEmpty)
        #expect(result.view.effectiveUncertainty == .none)
        #expect(result.view.authorized == test.authorized)
        #expect(result.view.sudo == test.sudo)
        #expect(result.view.groupMembers == test.groupMembers)
        #expect(result.missingGroups == ["gone"])
        let warning = try #require(log.all.first { $0.contains("IAM group gone does not exist") })
        #expect(warning.hasPrefix("warning"))
        #expect(warning.contains("NoSuchEntity"))
        #expect(warning.contains(test.setting))
        #expect(warning.contains("create the group"))
    }

    struct FailureCase: Sendable, CustomTestStringConvertible {
        var what: String
        var config: String
        var script: FakeAWSReader.Script
        var expected: ReadUncertainty
        var testDescription: String { what }
    }

    static func failureCases(_ error: AWSError) -> [FailureCase] {
        [
            .init(
                what: "authorized group", config: "IAM_AUTHORIZED_GROUPS=\"ssh,devs\"",
                script: .init(groups: ["ssh": .success(["alice"]), "devs": .failure(error)]),
                expected: .init(authorization: .all)),
            .init(
                what: "sudoers group", config: "SUDOERS_GROUPS=\"admins,ops\"",
                script: .init(
                    users: .success(["alice", "bob"]), groups: ["admins": .success(["alice"]), "ops": .failure(error)]),
                expected: .init(sudo: .all)),
            .init(
                what: "sudoers tag", config: "SUDOERS_GROUPS_TAG=\"sudo-groups\"",
                script: .init(
                    users: .success(["alice"]), metadataTags: ["sudo-groups": .failure(error)],
                    instanceID: .success("i-1"), describeTags: ["sudo-groups": .failure(error)]),
                expected: .init(sudo: .all)),
            .init(
                what: "mapped group", config: "LOCAL_GROUP_MAP=\"devs:docker,ops:audio\"",
                script: .init(
                    users: .success(["alice"]), groups: ["devs": .failure(error), "ops": .success(["alice"])]),
                expected: .init(groups: .members(["devs"]))),
            .init(
                what: "expiry tag", config: "ACCESS_EXPIRY_TAG=\"expires\"",
                script: .init(
                    users: .success(["alice", "bob"]), tags: ["alice": .success([:]), "bob": .failure(error)]),
                expected: .init(authorization: .members(["bob"]))),
        ]
    }

    static let allFailureCases = failures.flatMap { error in failureCases(error).map { (error, $0) } }

    @Test(arguments: allFailureCases)
    func anyOtherFailureIsIncompleteAndScopedToWhatItCanAffect(error: AWSError, test: FailureCase) throws {
        let (result, log) = try read(test.config, test.script)
        #expect(!result.view.isComplete)
        #expect(result.view.failedReads.count == 1)
        #expect(result.view.uncertainty == test.expected)
        #expect(result.missingGroups.isEmpty)
        #expect(!log.text.contains("does not exist"))
    }
}
