import TestSupport
import Testing

@testable import AWSCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct STSClientTests {
    @Test func assumeRoleDecodesMoto() throws {
        let transport = ScriptedTransport([
            .fixture(
                "AssumeRole", "sts-AssumeRole",
                expect: [
                    "RoleArn": "arn:aws:iam::123456789012:role/ec2ssh-read", "RoleSessionName": "import-users",
                    "DurationSeconds": "900", "Version": "2011-06-15",
                ])
        ])
        let role = try TestClients.sts(transport).assumeRole(
            roleARN: "arn:aws:iam::123456789012:role/ec2ssh-read", sessionName: "import-users", durationSeconds: 900)
        #expect(role.credentials.accessKeyID == "ASIARZPUZDIKEXWCIHRP")
        #expect(role.credentials.secretAccessKey == "C0zeIhDJhtDAKQqE6ynqJhc26tMxYQAkZ+RP53Py")
        #expect(role.credentials.sessionToken?.hasPrefix("FQoGZXIvYXdzEBYaDBYyX002dYzxHhIo5O7cDURE8tFVE6") == true)
        let expiration = try #require(role.credentials.expiration)
        #expect(abs(expiration.timeIntervalSince1970 - 1_795_434_161.454_11) < 0.000_01)
        #expect(role.assumedRoleARN == "arn:aws:sts::123456789012:assumed-role/ec2ssh-read/import-users")
        #expect(role.assumedRoleID == "AROARZPUZDIKBTCKXVS4Q:import-users")
        let authorization = try #require(transport.requests.first?.header("Authorization"))
        #expect(authorization.contains("/eu-west-1/sts/aws4_request"))
    }

    @Test func durationIsOmittedWhenNotGiven() throws {
        let transport = ScriptedTransport([
            .fixture("AssumeRole", "sts-AssumeRole", expect: ["RoleSessionName": "s", "DurationSeconds": nil])
        ])
        _ = try TestClients.sts(transport).assumeRole(roleARN: "arn:aws:iam::1:role/r", sessionName: "s")
        #expect(transport.remaining == 0)
    }

    @Test(arguments: [
        ("<Expiration>2026-11-23T11:42:41.454110Z</Expiration>", "", "Credentials/Expiration"),
        ("2026-11-23T11:42:41.454110Z", "next Tuesday", "not an ISO-8601 timestamp: next Tuesday"),
        ("SessionToken>", "Other>", "Credentials/SessionToken"),
        ("AccessKeyId>", "Key>", "Credentials/AccessKeyId"),
        ("AssumedRoleUser>", "Someone>", "AssumeRoleResult/AssumedRoleUser"),
    ])
    func assumeRoleWithMissingOrBadFieldsIsMalformed(replace: String, with: String, message: String) {
        let body = String(decoding: Fixture.bytes("sts-AssumeRole"), as: UTF8.self).replacing(replace, with: with)
        let transport = ScriptedTransport([.body("AssumeRole", body)])
        #expect {
            _ = try TestClients.sts(transport).assumeRole(roleARN: "r", sessionName: "s")
        } throws: { error in
            guard case AWSError.malformedResponse(let detail) = error else { return false }
            return detail.hasPrefix("sts:AssumeRole: ") && detail.contains(message)
        }
    }

    @Test func assumeRoleAccessDenied() {
        let body = """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>\
            <Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error>\
            <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>
            """
        let transport = ScriptedTransport([.body("AssumeRole", body, status: 403)])
        #expect(
            throws: AWSError.service(
                code: "AccessDenied", message: "not authorized to perform sts:AssumeRole",
                requestID: "c6104cbe-af31-11e0-8154-cbc7ccf896c7", status: 403)
        ) {
            try TestClients.sts(transport).assumeRole(roleARN: "r", sessionName: "s")
        }
    }

    @Test func getCallerIdentityDecodesMoto() throws {
        let transport = ScriptedTransport([.fixture("GetCallerIdentity", "sts-GetCallerIdentity")])
        let identity = try TestClients.sts(transport).getCallerIdentity()
        #expect(
            identity
                == CallerIdentity(
                    account: "123456789012", arn: "arn:aws:sts::123456789012:user/moto", userID: "AKIAIOSFODNN7EXAMPLE")
        )
        #expect(
            String(decoding: transport.requests[0].body, as: UTF8.self) == "Action=GetCallerIdentity&Version=2011-06-15"
        )
    }

    @Test func getCallerIdentityWithoutAccountIsMalformed() {
        let body = String(decoding: Fixture.bytes("sts-GetCallerIdentity"), as: UTF8.self)
            .replacing("<Account>123456789012</Account>", with: "")
        let transport = ScriptedTransport([.body("GetCallerIdentity", body)])
        #expect(
            throws: AWSError.malformedResponse(
                detail:
                    "sts:GetCallerIdentity: missing element GetCallerIdentityResponse/GetCallerIdentityResult/Account")
        ) {
            try TestClients.sts(transport).getCallerIdentity()
        }
    }
}
