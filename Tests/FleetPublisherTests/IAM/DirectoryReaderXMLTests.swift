import AWSCore
import FleetPublisher
import TestSupport
import Testing

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The publisher's read over the real `IAMClient` and XML parser: a truncated page or XML that is not IAM's is an
/// incomplete read, never a shorter directory.
@Suite struct DirectoryReaderXMLTests {
    static func iam(_ steps: [ScriptedTransport.Step]) -> (IAMClient, ScriptedTransport) {
        let transport = ScriptedTransport(steps)
        let query = QueryClient(
            endpoint: ServiceEndpoint(url: "http://127.0.0.1:5102", signingRegion: "us-east-1", signingName: "iam"),
            apiVersion: IAMClient.apiVersion,
            credentials: EnvironmentCredentialsProvider(environment: [
                "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
            ]),
            transport: transport, retry: SingleAttempt(), time: FakeClock())
        return (IAMClient(query: query), transport)
    }

    static let usersPage = """
        <ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult>\
        <IsTruncated>true</IsTruncated><Users><member><Path>/</Path><UserName>alice</UserName>\
        <Arn>arn:aws:iam::1:user/alice</Arn><UserId>AIDA1</UserId></member></Users>\
        </ListUsersResult></ListUsersResponse>
        """

    @Test func aTruncatedPageWithoutMarkerFailsTheRead() {
        let (iam, transport) = Self.iam([.body("ListUsers", Self.usersPage)])
        let error = #expect(throws: PublishError.self) {
            try DirectoryReader(iam: iam, tags: []).read(cache: KeyBodyCache())
        }
        guard case .iamRead("iam:ListUsers", nil, .malformedResponse(let detail))? = error else {
            Issue.record("expected a malformed ListUsers, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("IsTruncated is true but there is no Marker"))
        #expect(transport.remaining == 0)
    }

    @Test func xmlThatIsNotIAMsFailsTheRead() {
        let (iam, _) = Self.iam([
            .body("ListUsers", Self.usersPage.replacing("<IsTruncated>true</IsTruncated>", with: "")),
            .body("ListGroups", "<ListGroupsResponse><ListGroupsResult><Groups><member><GroupName>x"),
        ])
        let error = #expect(throws: PublishError.self) {
            try DirectoryReader(iam: iam, tags: []).read(cache: KeyBodyCache())
        }
        #expect(error?.exitCode == .iam)
        #expect(error?.description.hasPrefix("iam:ListGroups failed") == true)
    }
}
