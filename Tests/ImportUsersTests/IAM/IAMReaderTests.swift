import AWSCore
import EC2SSHCore
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct IAMReaderTests {
    static let throttled = AWSError.service(code: "Throttling", message: "Rate exceeded", requestID: nil, status: 400)

    func request(_ configText: String) throws -> IAMReader.Request {
        IAMReader.Request(configuration: try Configuration.parse(configText, path: "/c").0)
    }

    func read(_ configText: String, _ script: FakeAWSReader.Script) throws -> (IAMReader.Result, FakeAWSReader) {
        let aws = FakeAWSReader(script)
        let result = try IAMReader(source: aws, request: try request(configText), logger: LogCapture().logger)
            .read()
        return (result, aws)
    }

    @Test func allUsersWhenNoGroupIsConfigured() throws {
        let (result, aws) = try read("", .init(users: .success(["alice", "bob"])))
        #expect(result.view.users.map(\.userName) == ["alice", "bob"])
        #expect(result.view.users.first?.userID == "AIDAALICE")
        #expect(result.view.authorized == .all)
        #expect(result.view.sudo == .members([]))
        #expect(result.view.isComplete)
        #expect(aws.calls == ["ListUsers"])
    }

    @Test func theARNsOfListedUsersAreKept() throws {
        let (all, _) = try read("", .init(users: .success(["alice", "bob"])))
        #expect(all.observed.arns == ["alice": "arn:aws:iam::1:user/alice", "bob": "arn:aws:iam::1:user/bob"])
        let (grouped, _) = try read(
            "IAM_AUTHORIZED_GROUPS=\"ssh,devs\"",
            .init(groups: ["ssh": .success(["alice"]), "devs": .failure(Self.throttled)]))
        #expect(grouped.observed.arns == ["alice": "arn:aws:iam::1:user/alice"])
    }

    @Test func listUsersFailingMeansNothingIsKnown() throws {
        let advice =
            "IAM is throttling or unavailable: the next run tries again; spread the fleet's runs if it persists"
        #expect(throws: ImportError.iamUnreadable(reads: ["ListUsers: \(Self.throttled)"], advice: advice)) {
            _ = try read("", .init(users: .failure(Self.throttled)))
        }
    }

    @Test func aFailingGroupMakesTheViewIncompleteAndKeepsTheRest() throws {
        let (result, _) = try read(
            "IAM_AUTHORIZED_GROUPS=\"ssh,devs\"\nSUDOERS_GROUPS=\"admins\"",
            .init(groups: ["ssh": .success(["alice"]), "devs": .failure(Self.throttled), "admins": .success(["alice"])])
        )
        #expect(result.view.users.map(\.userName) == ["alice"])
        #expect(result.view.authorized == .members(["alice"]))
        #expect(result.view.sudo == .members(["alice"]))
        #expect(!result.view.isComplete)
        #expect(result.view.failedReads == ["GetGroup devs: \(Self.throttled)"])
    }

    @Test func everyAuthorizedGroupFailingMeansNothingIsKnown() throws {
        #expect(throws: ImportError.self) {
            _ = try read(
                "IAM_AUTHORIZED_GROUPS=\"ssh,devs\"",
                .init(groups: ["ssh": .failure(Self.throttled), "devs": .failure(Self.throttled)]))
        }
    }

    @Test func aFailingSudoersGroupIsAnIncompleteRead() throws {
        let (result, _) = try read(
            "SUDOERS_GROUPS=\"admins\"", .init(users: .success(["alice"]), groups: ["admins": .failure(Self.throttled)])
        )
        #expect(!result.view.isComplete)
        #expect(result.view.sudo == .members([]))
    }

    @Test func everyoneGetsSudoWithALL() throws {
        let (result, aws) = try read("SUDOERS_GROUPS=\"##ALL##\"", .init(users: .success(["alice"])))
        #expect(result.view.sudo == .all)
        #expect(aws.calls == ["ListUsers"])
    }

    @Test func aGroupUsedTwiceIsReadOnce() throws {
        let (result, aws) = try read(
            "IAM_AUTHORIZED_GROUPS=\"ssh\"\nSUDOERS_GROUPS=\"ssh\"\nLOCAL_GROUP_MAP=\"ssh:docker\"",
            .init(groups: ["ssh": .success(["alice"])]))
        #expect(aws.calls == ["GetGroup ssh"])
        #expect(result.view.groupMembers == ["ssh": ["alice"]])
        #expect(result.view.isComplete)
    }

    @Test func authorizedGroupsComeFromTheInstanceTagInMetadata() throws {
        let (result, aws) = try read(
            "IAM_AUTHORIZED_GROUPS=\"ignored\"\nIAM_AUTHORIZED_GROUPS_TAG=\"ssh-groups\"",
            .init(
                groups: ["a": .success(["alice"]), "b": .success(["bob"])],
                metadataTags: ["ssh-groups": .success("a, b")]))
        #expect(aws.calls == ["IMDS tag ssh-groups", "GetGroup a", "GetGroup b"])
        #expect(result.view.authorized == .members(["alice", "bob"]))
    }

    @Test func theTagFallsBackToDescribeTags() throws {
        let (result, aws) = try read(
            "SUDOERS_GROUPS_TAG=\"sudo-groups\"",
            .init(
                users: .success(["alice"]), groups: ["admins": .success(["alice"])],
                metadataTags: ["sudo-groups": .success(nil)], instanceID: .success("i-1"),
                describeTags: ["sudo-groups": .success("admins")]))
        #expect(result.view.sudo == .members(["alice"]))
        #expect(result.view.isComplete)
        #expect(aws.calls.contains("DescribeTags i-1 sudo-groups"))
    }

    @Test(arguments: [
        (Result<String?, AWSError>.success(nil), "has no tag"),
        (.success("  "), "is empty"),
        (.failure(throttled), "Throttling"),
    ])
    func aMissingOrFailingSudoersTagIsAFailedRead(describe: Result<String?, AWSError>, message: String) throws {
        let (result, _) = try read(
            "SUDOERS_GROUPS_TAG=\"sudo-groups\"",
            .init(
                users: .success(["alice"]), metadataTags: ["sudo-groups": .failure(.transport(detail: "no imds"))],
                instanceID: .success("i-1"), describeTags: ["sudo-groups": describe]))
        #expect(!result.view.isComplete)
        #expect(result.view.failedReads.count == 1)
        #expect(result.view.failedReads.first?.contains(message) == true)
    }

    @Test func aMissingAuthorizedGroupsTagMeansNothingIsKnown() throws {
        #expect(throws: ImportError.self) {
            _ = try read(
                "IAM_AUTHORIZED_GROUPS_TAG=\"ssh-groups\"",
                .init(
                    metadataTags: ["ssh-groups": .success(nil)], instanceID: .success("i-1"),
                    describeTags: ["ssh-groups": .success(nil)]))
        }
    }

    @Test func expiryTagsAreReadPerAuthorizedUser() throws {
        let (result, aws) = try read(
            "IAM_AUTHORIZED_GROUPS=\"ssh\"\nACCESS_EXPIRY_TAG=\"expires\"",
            .init(
                groups: ["ssh": .success(["alice", "bob"])],
                tags: ["alice": .success(["expires": "2030-01-01", "team": "x"]), "bob": .success([:])]))
        #expect(aws.calls.first == "GetGroup ssh")
        #expect(aws.calls.dropFirst().sorted() == ["ListUserTags alice", "ListUserTags bob"])
        #expect(result.view.users.first?.tags == ["expires": "2030-01-01"])
        #expect(result.observed.accessExpiries == ["alice": Date(timeIntervalSince1970: 1_893_456_000)])
        #expect(result.observed.tagsRead == ["alice", "bob"])
        #expect(result.view.isComplete)
    }

    /// Issue 10, finding 12: per-user tag reads run `concurrentTagReads` at a time, never more.
    @Test(arguments: [(20, 8), (5, 3), (3, 8)])
    func tagReadsRunConcurrentlyWithinTheBound(users: Int, bound: Int) throws {
        let names = (0..<users).map { "user\(Character(UnicodeScalar(UInt8(97 + $0))))" }
        let aws = FakeAWSReader(
            .init(users: .success(names), tags: Dictionary(uniqueKeysWithValues: names.map { ($0, .success([:])) })))
        let probe = ConcurrencyProbe(inner: aws, expected: min(users, bound))
        let result = try IAMReader(
            source: probe, request: try request("ACCESS_EXPIRY_TAG=\"expires\""), logger: LogCapture().logger,
            concurrentTagReads: bound
        ).read()
        #expect(result.observed.tagsRead == Set(names))
        #expect(probe.maximum == min(users, bound))
    }

    @Test func aUserWhoseTagsCannotBeReadIsNotAuthorized() throws {
        let (result, _) = try read(
            "ACCESS_EXPIRY_TAG=\"expires\"",
            .init(users: .success(["alice", "bob"]), tags: ["alice": .success([:]), "bob": .failure(Self.throttled)]))
        #expect(result.view.authorized == .members(["alice"]))
        #expect(result.view.users.map(\.userName) == ["alice", "bob"])
        #expect(!result.view.isComplete)
        #expect(result.observed.tagsRead == ["alice"])
    }
}
