import Testing

@testable import AWSCore

@Suite struct EnvironmentCredentialsProviderTests {
    @Test func keyPairAndToken() throws {
        let provider = EnvironmentCredentialsProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
        ])
        let credentials = try #require(try provider.credentials())
        #expect(
            credentials == Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token"))
    }

    @Test(arguments: [nil, ""])
    func tokenIsOptional(token: String?) throws {
        var environment = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"]
        environment["AWS_SESSION_TOKEN"] = token
        let credentials = try #require(try EnvironmentCredentialsProvider(environment: environment).credentials())
        #expect(credentials.sessionToken == nil)
        #expect(credentials.expiration == nil)
    }

    @Test(arguments: [
        [String: String](),
        ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""],
        ["AWS_SESSION_TOKEN": "token", "HOME": "/root"],
    ])
    func nothingSet(environment: [String: String]) throws {
        let provider = EnvironmentCredentialsProvider(environment: environment)
        #expect(try provider.credentials() == nil)
        #expect(try provider.lookupCredentials() == .unavailable(reason: "AWS_ACCESS_KEY_ID not set"))
    }

    @Test(arguments: [
        (["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE"], "AWS_SECRET_ACCESS_KEY"),
        (["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": ""], "AWS_SECRET_ACCESS_KEY"),
        (["AWS_SECRET_ACCESS_KEY": "secret"], "AWS_ACCESS_KEY_ID"),
    ])
    func halfPairIsAConfigurationError(environment: [String: String], missing: String) {
        let provider = EnvironmentCredentialsProvider(environment: environment)
        #expect {
            _ = try provider.credentials()
        } throws: { error in
            guard case AWSError.configuration(let detail) = error else { return false }
            return detail.contains("\(missing) is not")
        }
    }
}
