import AWSCore
import EC2SSHCore
import Logging
import Testing

@testable import AuthorizedKeys
@testable import EC2SSHShared
@testable import ImportUsers

/// import_users' IAM reading over the real AWS layer (libcurl, SigV4, retries) against moto.
@Suite(.enabled(if: MotoEnvironment.isAvailable, "needs the moto server started by scripts/test"))
struct ImportUsersMotoTests {
    let moto: MotoEnvironment
    let admin: QueryClient

    init() throws {
        moto = try #require(MotoEnvironment.current)
        admin = try moto.queryClient(.iam)
    }

    func source(environment: [String: String]) -> AWSClientsReader {
        let time = SystemTimeSource()
        return AWSClientsReader(
            clients: AWSClients(
                environment: environment, transport: CurlTransport(environment: [:]), files: SystemFileReader(),
                time: time, retry: Retrier(time: time, random: SystemRandomSource()), assumeRoleARN: nil,
                sessionHost: "integration"))
    }

    @Test func groupsTagsAndAGroupThatDoesNotExistGiveACompleteView() throws {
        let user = MotoEnvironment.uniqueName("imp-alice")
        let group = MotoEnvironment.uniqueName("imp-ssh")
        _ = try admin.call("CreateUser", [("UserName", user)])
        _ = try admin.call("CreateGroup", [("GroupName", group)])
        _ = try admin.call("AddUserToGroup", [("GroupName", group), ("UserName", user)])
        _ = try admin.call(
            "TagUser", [("UserName", user), ("Tags.member.1.Key", "expires"), ("Tags.member.1.Value", "2030-01-01")])
        let missing = MotoEnvironment.uniqueName("imp-missing")
        let config =
            "IAM_AUTHORIZED_GROUPS=\"\(group),\(missing)\"\nSUDOERS_GROUPS=\"\(group)\"\n"
            + "ACCESS_EXPIRY_TAG=\"expires\"\n"
        let request = IAMReader.Request(configuration: try Configuration.parse(config, path: "/c").0)
        var environment = moto.awsEnvironment()
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        let result = try IAMReader(
            source: source(environment: environment), request: request, logger: Logger(label: "test")
        ).read()
        #expect(result.view.users.map(\.userName) == [user])
        #expect(result.view.authorized == .members([user]))
        #expect(result.view.sudo == .members([user]))
        #expect(result.view.users.first?.tags == ["expires": "2030-01-01"])
        // moto answers NoSuchEntity for the missing group: an answer (no members), not a failed read.
        #expect(result.view.isComplete)
        #expect(result.view.failedReads.isEmpty)
        #expect(result.missingGroups == [missing])
    }

    @Test func badCredentialsMeanIAMIsUnreadable() throws {
        var environment = moto.awsEnvironment(secret: "wrong-secret")
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        let request = IAMReader.Request(configuration: Configuration())
        #expect(throws: ImportError.self) {
            _ = try IAMReader(
                source: source(environment: environment), request: request, logger: Logger(label: "test")
            ).read()
        }
    }
}
