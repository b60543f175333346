/// Static credentials from a profile of the shared credentials and config files.
///
/// The profile is `AWS_PROFILE` (default `default`); the files are `AWS_SHARED_CREDENTIALS_FILE` and
/// `AWS_CONFIG_FILE` (default `$HOME/.aws/credentials` and `$HOME/.aws/config`). Credentials file entries win
/// over config file entries. Profiles that need role assumption, a credential process or SSO are rejected
/// with a configuration error rather than skipped, so a chain never silently falls through to another identity.
public struct ProfileCredentialsProvider: CredentialsProvider {
    /// The environment that locates the files and names the profile.
    public let environment: [String: String]
    /// Reads the files.
    public let files: any FileReading

    /// Settings that make a profile something other than a static key pair; not supported here.
    static let unsupportedSettings = [
        "role_arn", "credential_process", "sso_session", "sso_start_url", "sso_account_id", "sso_role_name",
        "web_identity_token_file",
    ]

    /// Creates the provider.
    public init(environment: [String: String], files: any FileReading) {
        self.environment = environment
        self.files = files
    }

    /// The name in logs and in the "tried" list, for example `profile default (shared files)`.
    public var name: String {
        "profile \(SharedConfigFiles.profileName(environment: environment)) (shared files)"
    }

    /// The profile's credentials, or `nil` when the files or the default profile have none.
    public func credentials() throws -> Credentials? {
        if case .found(let credentials) = try lookupCredentials() { return credentials }
        return nil
    }

    /// The profile's credentials, or why there are none.
    ///
    /// Throws `AWSError.configuration` for an explicitly named profile that does not exist, a half key pair,
    /// an unsupported profile type, or a file that cannot be read or parsed.
    public func lookupCredentials() throws -> CredentialsLookup {
        let shared = try SharedConfigFiles.load(environment: environment, files: files)
        if shared.credentialsPath == nil && shared.configPath == nil {
            return .unavailable(reason: "HOME not set and neither AWS_SHARED_CREDENTIALS_FILE nor AWS_CONFIG_FILE set")
        }
        let profileName = SharedConfigFiles.profileName(environment: environment)
        guard let profile = shared.profile(profileName) else {
            if SharedConfigFiles.isProfileExplicit(environment: environment) {
                throw AWSError.configuration(
                    detail: "AWS_PROFILE names profile '\(profileName)', which is not in \(shared.describedPaths); "
                        + "add it or unset AWS_PROFILE")
            }
            if !shared.credentialsFileExists && !shared.configFileExists {
                return .unavailable(reason: "\(shared.describedPaths) not found")
            }
            return .unavailable(reason: "no profile '\(profileName)' in \(shared.describedPaths)")
        }
        if let setting = Self.unsupportedSettings.first(where: { profile[$0] != nil }) {
            throw AWSError.configuration(
                detail: "profile '\(profileName)' in \(shared.describedPaths) uses \(setting), which aws-ec2-ssh does "
                    + "not support; give the profile aws_access_key_id and aws_secret_access_key, or set "
                    + "ASSUMEROLE in /etc/aws-ec2-ssh.conf to assume a role")
        }
        let keyID = nonEmpty(profile["aws_access_key_id"])
        let secret = nonEmpty(profile["aws_secret_access_key"])
        switch (keyID, secret) {
        case (nil, nil):
            return .unavailable(reason: "profile '\(profileName)' has no aws_access_key_id")
        case (.some, nil), (nil, .some):
            let (set, missing) =
                keyID == nil
                ? ("aws_secret_access_key", "aws_access_key_id") : ("aws_access_key_id", "aws_secret_access_key")
            throw AWSError.configuration(
                detail: "profile '\(profileName)' in \(shared.describedPaths) sets \(set) but not \(missing); "
                    + "set both or neither")
        case (.some(let keyID), .some(let secret)):
            let token = nonEmpty(profile["aws_session_token"]) ?? nonEmpty(profile["aws_security_token"])
            return .found(Credentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token))
        }
    }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
