/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
///
/// Empty values count as unset. Setting only one half of the key pair is a configuration error, so that a
/// half-edited /etc/aws-ec2-ssh.conf never silently falls through to another identity.
public struct EnvironmentCredentialsProvider: CredentialsProvider {
    /// The environment variables to read (the process environment merged with the config file's `AWS_*` lines).
    public let environment: [String: String]

    /// Creates the provider for an explicit environment.
    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The name in logs and in the "tried" list of `AWSError.noCredentials`.
    public var name: String { "environment" }

    /// The credentials from the environment, or `nil` when neither key variable is set.
    public func credentials() throws -> Credentials? {
        if case .found(let credentials) = try lookupCredentials() { return credentials }
        return nil
    }

    /// The credentials from the environment, or why there are none.
    public func lookupCredentials() throws -> CredentialsLookup {
        let keyID = value("AWS_ACCESS_KEY_ID")
        let secret = value("AWS_SECRET_ACCESS_KEY")
        switch (keyID, secret) {
        case (nil, nil):
            return .unavailable(reason: "AWS_ACCESS_KEY_ID not set")
        case (.some, nil):
            throw AWSError.configuration(
                detail: Self.halfPairMessage(set: "AWS_ACCESS_KEY_ID", missing: "AWS_SECRET_ACCESS_KEY"))
        case (nil, .some):
            throw AWSError.configuration(
                detail: Self.halfPairMessage(set: "AWS_SECRET_ACCESS_KEY", missing: "AWS_ACCESS_KEY_ID"))
        case (.some(let keyID), .some(let secret)):
            return .found(
                Credentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: value("AWS_SESSION_TOKEN")))
        }
    }

    private func value(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    private static func halfPairMessage(set: String, missing: String) -> String {
        "\(set) is set but \(missing) is not; set both (in the environment or in /etc/aws-ec2-ssh.conf) or neither"
    }
}
