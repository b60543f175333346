import AWSCore
import EC2SSHCore
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

@Suite struct AWSClientsReaderTests {
    func source(_ transport: FakeTransport) -> AWSClientsReader {
        AWSClientsReader(
            clients: AWSClients(
                environment: [
                    "AWS_EC2_METADATA_DISABLED": "true", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
                    "AWS_SECRET_ACCESS_KEY": "secret", "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
                ],
                transport: transport, files: MemoryFileSystem(allowing: .readOnly), time: FakeClock(),
                retry: SingleAttempt(),
                assumeRoleARN: nil, sessionHost: "host"))
    }

    @Test func aFailingSecondPageOfAGroupMakesTheViewIncomplete() throws {
        let transport = FakeTransport(keyedBy: FakeTransport.queryKey)
        transport.on("GetGroup:ssh", IAMResponses.groupPage("ssh", users: ["alice"], marker: nil))
        transport.on("GetGroup:devs", IAMResponses.groupPage("devs", users: ["bob"], marker: "m2"))
        transport.on("GetGroup:devs@m2", IAMResponses.throttling)
        let request = IAMReader.Request(
            configuration: try Configuration.parse("IAM_AUTHORIZED_GROUPS=\"ssh,devs\"", path: "/c").0)
        let result = try IAMReader(source: source(transport), request: request, logger: LogCapture().logger)
            .read()
        #expect(transport.keys == ["GetGroup:ssh", "GetGroup:devs", "GetGroup:devs@m2"])
        #expect(!result.view.isComplete)
        #expect(result.view.failedReads.count == 1)
        #expect(result.view.failedReads.first?.contains("Throttling") == true)
        #expect(result.view.authorized == .members(["alice"]))
        #expect(result.view.users.map(\.userName) == ["alice"])
    }

    @Test func instanceTagsNeedInstanceMetadata() throws {
        let transport = FakeTransport(keyedBy: FakeTransport.queryKey)
        #expect(try source(transport).instanceTagFromMetadata("ssh-groups") == nil)
        #expect(throws: AWSError.self) { try source(transport).instanceID() }
        #expect(transport.keys.isEmpty)
    }
}
