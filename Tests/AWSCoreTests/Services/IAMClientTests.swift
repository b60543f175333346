import TestSupport
import Testing

@testable import AWSCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct IAMClientTests {
    private static let firstPage: [String: String?] = ["MaxItems": "1000", "Marker": nil]

    private static func date(_ text: String) -> Date? { ISO8601.date(from: text) }

    @Test func listUsersDecodesMoto() throws {
        let transport = ScriptedTransport([.fixture("ListUsers", "iam-ListUsers", expect: Self.firstPage)])
        let users = try TestClients.iam(transport).listUsers()
        #expect(users.map(\.userName) == ["alice", "bob+admin", "carol.smith@example.com"])
        #expect(
            users.first
                == IAMUser(
                    userName: "alice", userID: "329xdnwo8edwmn5c2yg0",
                    arn: "arn:aws:iam::123456789012:user/staff/alice",
                    path: "/staff/", createDate: Self.date("2026-11-23T11:27:30.634519Z")))
        #expect(users.allSatisfy { $0.createDate != nil })
        #expect(transport.remaining == 0)
    }

    @Test func listUsersFollowsThreePages() throws {
        let transport = ScriptedTransport([
            .fixture("ListUsers", "iam-ListUsers-page1of3", expect: Self.firstPage),
            .fixture("ListUsers", "iam-ListUsers-page2of3", expect: ["MaxItems": "1000", "Marker": "AAEAAQ+page/2="]),
            .fixture("ListUsers", "iam-ListUsers-page3of3", expect: ["MaxItems": "1000", "Marker": "AAEAAQ+page/3="]),
        ])
        let users = try TestClients.iam(transport).listUsers()
        #expect(users.map(\.userName) == ["alice", "bob+admin", "carol.smith@example.com", "dave"])
        #expect(users[2].createDate == Date(timeIntervalSince1970: 1_767_323_047.5))
        #expect(transport.remaining == 0)
        let second = String(decoding: transport.requests[1].body, as: UTF8.self)
        #expect(second == "Action=ListUsers&Version=2010-05-08&MaxItems=1000&Marker=AAEAAQ%2Bpage%2F2%3D")
    }

    @Test func truncatedWithoutMarkerIsMalformed() {
        let transport = ScriptedTransport([.fixture("ListUsers", "iam-ListUsers-truncated-without-marker")])
        let detail = malformedDetail { _ = try TestClients.iam(transport).listUsers() }
        #expect(
            detail.hasPrefix(
                "iam:ListUsers: ListUsersResponse/ListUsersResult/IsTruncated is true but there is no Marker"))
    }

    @Test(arguments: [
        AWSError.service(code: "Throttling", message: "Rate exceeded", requestID: nil, status: 400),
        AWSError.transport(detail: "connection reset by 127.0.0.1"),
    ])
    func failureOnALaterPageFailsTheWholeListing(error: AWSError) {
        let transport = ScriptedTransport([
            .fixture("ListUsers", "iam-ListUsers-page1of3"),
            .failure("ListUsers", error),
        ])
        #expect(throws: error) { try TestClients.iam(transport).listUsers() }
        #expect(transport.remaining == 0)
    }

    @Test func throttlingDocumentOnPageTwoFailsTheListing() {
        let transport = ScriptedTransport([
            .fixture("GetGroup", "iam-GetGroup-page1of2"),
            .fixture("GetGroup", "iam-ErrorResponse-Throttling", status: 400),
        ])
        #expect(
            throws: AWSError.service(
                code: "Throttling", message: "Rate exceeded", requestID: "9d5e6f70-1111-4222-8333-444455556666",
                status: 400)
        ) {
            try TestClients.iam(transport).getGroup("ssh-users")
        }
    }

    @Test func repeatedMarkerIsMalformed() {
        let transport = ScriptedTransport([
            .fixture("ListUsers", "iam-ListUsers-page1of3"),
            .fixture("ListUsers", "iam-ListUsers-page1of3"),
            .fixture("ListUsers", "iam-ListUsers-page1of3"),
        ])
        #expect(malformedDetail { _ = try TestClients.iam(transport).listUsers() }.contains("same Marker twice"))
        #expect(transport.remaining == 1)
    }

    @Test(arguments: [
        ("<IsTruncated>false</IsTruncated>", "missing element ListUsersResponse/ListUsersResult/Users"),
        ("<IsTruncated>maybe</IsTruncated><Users/>", "IsTruncated is neither true nor false: maybe"),
        ("<Marker>m</Marker><Users/>", "has a Marker but no IsTruncated"),
        ("<IsTruncated>true</IsTruncated><Marker></Marker><Users/>", "no Marker"),
        (
            "<IsTruncated>false</IsTruncated><Users><member><Path>/</Path><UserId>i</UserId><Arn>a</Arn></member>"
                + "</Users>",
            "missing element ListUsersResponse/ListUsersResult/Users/member/UserName"
        ),
        (
            "<IsTruncated>false</IsTruncated><Users><member><Path>/</Path><UserName>u</UserName><UserId>i</UserId>"
                + "<Arn>a</Arn><CreateDate>yesterday</CreateDate></member></Users>",
            "CreateDate is not an ISO-8601 timestamp"
        ),
    ])
    func malformedListPages(resultBody: String, message: String) {
        let body = "<ListUsersResponse><ListUsersResult>\(resultBody)</ListUsersResult></ListUsersResponse>"
        let transport = ScriptedTransport([.body("ListUsers", body)])
        let detail = malformedDetail { _ = try TestClients.iam(transport).listUsers() }
        #expect(detail.hasPrefix("iam:ListUsers: "))
        #expect(detail.contains(message))
    }

    @Test func userWithoutCreateDateIsAccepted() throws {
        let body = """
            <ListUsersResponse><ListUsersResult><Users><member><Path>/</Path><UserName>u</UserName>\
            <UserId>i</UserId><Arn>a</Arn></member></Users></ListUsersResult></ListUsersResponse>
            """
        let users = try TestClients.iam(ScriptedTransport([.body("ListUsers", body)])).listUsers()
        #expect(users == [IAMUser(userName: "u", userID: "i", arn: "a", path: "/", createDate: nil)])
    }

    @Test func getGroupDecodesMoto() throws {
        let transport = ScriptedTransport([
            .fixture("GetGroup", "iam-GetGroup", expect: ["GroupName": "ssh-users", "MaxItems": "1000", "Marker": nil])
        ])
        let members = try TestClients.iam(transport).getGroup("ssh-users")
        #expect(
            members.group
                == IAMGroup(
                    groupName: "ssh-users", groupID: "15x0qa0cvd49tb362ofr",
                    arn: "arn:aws:iam::123456789012:group/ssh-users"))
        #expect(members.users.map(\.userName) == ["alice", "bob+admin"])
    }

    @Test func getGroupFollowsTwoPages() throws {
        let transport = ScriptedTransport([
            .fixture("GetGroup", "iam-GetGroup-page1of2", expect: ["GroupName": "ssh-users", "Marker": nil]),
            .fixture(
                "GetGroup", "iam-GetGroup-page2of2", expect: ["GroupName": "ssh-users", "Marker": "group-marker-2"]),
        ])
        let members = try TestClients.iam(transport).getGroup("ssh-users")
        #expect(members.group.groupID == "AGPAEXAMPLESSHUSERS1")
        #expect(members.users.map(\.userName) == ["alice", "bob+admin"])
        #expect(transport.remaining == 0)
    }

    @Test func getGroupPagesMustAgreeOnTheGroup() {
        let page2 = String(decoding: Fixture.bytes("iam-GetGroup-page2of2"), as: UTF8.self)
            .replacing("AGPAEXAMPLESSHUSERS1", with: "AGPAOTHER")
        let transport = ScriptedTransport([
            .fixture("GetGroup", "iam-GetGroup-page1of2"),
            .body("GetGroup", page2),
        ])
        let detail = malformedDetail { _ = try TestClients.iam(transport).getGroup("ssh-users") }
        #expect(detail.contains("pages describe different groups"))
    }

    @Test func listGroupsFollowsTwoPages() throws {
        let transport = ScriptedTransport([
            .fixture("ListGroups", "iam-ListGroups-page1of2", expect: Self.firstPage),
            .fixture(
                "ListGroups", "iam-ListGroups-page2of2", expect: ["MaxItems": "1000", "Marker": "groups+page/2="]),
        ])
        let groups = try TestClients.iam(transport).listGroups()
        #expect(
            groups == [
                IAMGroup(
                    groupName: "admins", groupID: "AGPAEXAMPLEADMINS001",
                    arn: "arn:aws:iam::123456789012:group/admins"),
                IAMGroup(
                    groupName: "ssh-users", groupID: "AGPAEXAMPLESSHUSERS1",
                    arn: "arn:aws:iam::123456789012:group/teams/ssh-users"),
            ])
        #expect(transport.remaining == 0)
    }

    @Test func listGroupsFailsWhenALaterPageIsThrottled() {
        let throttled = AWSError.service(code: "Throttling", message: "Rate exceeded", requestID: nil, status: 400)
        let transport = ScriptedTransport([
            .fixture("ListGroups", "iam-ListGroups-page1of2"),
            .failure("ListGroups", throttled),
        ])
        #expect(throws: throttled) { try TestClients.iam(transport).listGroups() }
    }

    @Test func getGroupNoSuchEntity() {
        let transport = ScriptedTransport([.fixture("GetGroup", "iam-GetGroup-NoSuchEntity", status: 404)])
        #expect(
            throws: AWSError.service(
                code: "NoSuchEntity", message: "Group nogroup not found",
                requestID: "x18IHNz16GmJImDbiymeHDznZLnWD38HyuIwgPXao578jYV3GkZi", status: 404)
        ) {
            try TestClients.iam(transport).getGroup("nogroup")
        }
    }

    @Test func listSSHPublicKeysDecodesMoto() throws {
        let transport = ScriptedTransport([
            .fixture("ListSSHPublicKeys", "iam-ListSSHPublicKeys", expect: ["UserName": "alice", "MaxItems": "1000"])
        ])
        let keys = try TestClients.iam(transport).listSSHPublicKeys(userName: "alice")
        #expect(
            keys == [
                SSHPublicKeyMetadata(
                    userName: "alice", keyID: "APKAXZ1SP5V0JUXDVKTR", status: .active,
                    uploadDate: try #require(Self.date("2026-11-23T11:27:30.980440Z"))),
                SSHPublicKeyMetadata(
                    userName: "alice", keyID: "APKA5Y14K0IDLCA3BPUE", status: .inactive,
                    uploadDate: try #require(Self.date("2026-11-23T11:27:31.007410Z"))),
            ])
    }

    @Test(arguments: [("Active", SSHPublicKeyStatus.active), ("Inactive", .inactive), ("Pending", .other("Pending"))])
    func keyStatus(raw: String, status: SSHPublicKeyStatus) throws {
        let body = String(decoding: Fixture.bytes("iam-ListSSHPublicKeys"), as: UTF8.self)
            .replacing("<Status>Active</Status>", with: "<Status>\(raw)</Status>")
        let keys = try TestClients.iam(ScriptedTransport([.body("ListSSHPublicKeys", body)]))
            .listSSHPublicKeys(userName: "alice")
        #expect(keys.first?.status == status)
        #expect(SSHPublicKeyStatus(raw) == status)
    }

    @Test func getSSHPublicKeyDecodesMoto() throws {
        let transport = ScriptedTransport([
            .fixture(
                "GetSSHPublicKey", "iam-GetSSHPublicKey",
                expect: ["UserName": "alice", "SSHPublicKeyId": "APKAXZ1SP5V0JUXDVKTR", "Encoding": "SSH"])
        ])
        let key = try TestClients.iam(transport).getSSHPublicKey(userName: "alice", keyID: "APKAXZ1SP5V0JUXDVKTR")
        #expect(key.userName == "alice")
        #expect(key.keyID == "APKAXZ1SP5V0JUXDVKTR")
        #expect(key.fingerprint == "2662034d5d1db80e3fdcbeea3e30d474")
        #expect(
            key.body.hasPrefix("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA1bQpQ6Cq4mZ5mXl8q1bFhQ5r2h1p7U3z9m0"))
        #expect(key.body.hasSuffix("N0M1 alice@laptop"))
        #expect(key.status == .active)
        #expect(key.uploadDate == Self.date("2026-11-23T11:27:30.980440Z"))
    }

    @Test func getSSHPublicKeyWithoutBodyIsMalformed() {
        let body = String(decoding: Fixture.bytes("iam-GetSSHPublicKey"), as: UTF8.self)
            .replacing("SSHPublicKeyBody>", with: "Other>")
        let transport = ScriptedTransport([.body("GetSSHPublicKey", body)])
        let detail = malformedDetail {
            _ = try TestClients.iam(transport).getSSHPublicKey(userName: "alice", keyID: "k")
        }
        #expect(
            detail
                == "iam:GetSSHPublicKey: missing element "
                + "GetSSHPublicKeyResponse/GetSSHPublicKeyResult/SSHPublicKey/SSHPublicKeyBody")
    }

    @Test func listGroupsForUserDecodesMoto() throws {
        let transport = ScriptedTransport([
            .fixture("ListGroupsForUser", "iam-ListGroupsForUser", expect: ["UserName": "alice", "MaxItems": "1000"])
        ])
        let groups = try TestClients.iam(transport).listGroupsForUser(userName: "alice")
        #expect(groups.map(\.groupName) == ["ssh-users", "admins"])
        #expect(groups.last?.arn == "arn:aws:iam::123456789012:group/admins")
        #expect(groups.last?.groupID == "6p4kgnv4zhqnzobwe675")
    }

    @Test func listUserTagsDecodesMoto() throws {
        let transport = ScriptedTransport([
            .fixture("ListUserTags", "iam-ListUserTags", expect: ["UserName": "alice", "MaxItems": "1000"])
        ])
        let tags = try TestClients.iam(transport).listUserTags(userName: "alice")
        #expect(
            tags == [IAMTag(key: "ssh-groups", value: "ssh-users admins"), IAMTag(key: "team", value: "ops & dev <1>")])
    }

    @Test func getUserDecodesMoto() throws {
        let transport = ScriptedTransport([.fixture("GetUser", "iam-GetUser", expect: ["UserName": "alice"])])
        let user = try TestClients.iam(transport).getUser(userName: "alice")
        #expect(user.userName == "alice")
        #expect(user.path == "/staff/")
        #expect(user.arn == "arn:aws:iam::123456789012:user/staff/alice")
    }

    @Test func getUserNoSuchEntity() throws {
        let transport = ScriptedTransport([.fixture("GetUser", "iam-GetUser-NoSuchEntity", status: 404)])
        let error = try #require(throws: AWSError.self) { try TestClients.iam(transport).getUser(userName: "nobody") }
        #expect(error.code == "NoSuchEntity")
        #expect(error.description.contains("NoSuchEntity"))
    }

    @Test func emptyListsAreEmpty() throws {
        let transport = ScriptedTransport([
            .fixture("ListSSHPublicKeys", "iam-ListSSHPublicKeys-empty"),
            .fixture("ListUserTags", "iam-ListUserTags-empty"),
            .fixture("ListGroupsForUser", "iam-ListGroupsForUser-empty"),
            .fixture("GetGroup", "iam-GetGroup-empty"),
        ])
        let iam = TestClients.iam(transport)
        #expect(try iam.listSSHPublicKeys(userName: "bob+admin").isEmpty)
        #expect(try iam.listUserTags(userName: "bob+admin").isEmpty)
        #expect(try iam.listGroupsForUser(userName: "carol.smith@example.com").isEmpty)
        let group = try iam.getGroup("empty-group")
        #expect(group.group.groupName == "empty-group")
        #expect(group.users.isEmpty)
    }

    @Test func everyOperationRunsUnderItsRetryName() throws {
        let transport = ScriptedTransport([
            .fixture("ListUsers", "iam-ListUsers"),
            .fixture("GetUser", "iam-GetUser"),
        ])
        let retry = RecordingRetry()
        let iam = IAMClient(
            query: TestClients.query("iam", version: IAMClient.apiVersion, transport: transport, retry: retry))
        _ = try iam.listUsers()
        _ = try iam.getUser(userName: "alice")
        #expect(retry.operations == ["iam:ListUsers", "iam:GetUser"])
        #expect(transport.requests.allSatisfy { ScriptedTransport.form(of: $0)["Version"] == "2010-05-08" })
    }
}
