/// The STS operations aws-ec2-ssh needs: `AssumeRole` (for `ASSUMEROLE`) and `GetCallerIdentity`.
public struct STSClient: Sendable {
    /// The STS API version the `QueryClient` must be created with.
    public static let apiVersion = "2011-06-15"

    /// The Query-protocol client for the STS endpoint.
    public let query: QueryClient

    /// Creates the client; `query` should use `STSClient.apiVersion` and the STS endpoint.
    public init(query: QueryClient) {
        self.query = query
    }

    /// Temporary credentials for `roleARN` (`AssumeRole`); `durationSeconds` `nil` leaves the role's default.
    public func assumeRole(roleARN: String, sessionName: String, durationSeconds: Int? = nil) throws -> AssumedRole {
        var parameters = [("RoleArn", roleARN), ("RoleSessionName", sessionName)]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        let result = try query.call("AssumeRole", parameters)
        return try QueryClient.decoding("sts:AssumeRole") {
            let credentials = try result.required("Credentials")
            let user = try result.required("AssumedRoleUser")
            return AssumedRole(
                credentials: Credentials(
                    accessKeyID: try credentials.requiredText(of: "AccessKeyId"),
                    secretAccessKey: try credentials.requiredText(of: "SecretAccessKey"),
                    sessionToken: try credentials.requiredText(of: "SessionToken"),
                    expiration: try credentials.requiredDate(of: "Expiration")),
                assumedRoleARN: try user.requiredText(of: "Arn"),
                assumedRoleID: try user.requiredText(of: "AssumedRoleId"))
        }
    }

    /// The account, ARN and user id of the credentials in use (`GetCallerIdentity`).
    public func getCallerIdentity() throws -> CallerIdentity {
        let result = try query.call("GetCallerIdentity", [])
        return try QueryClient.decoding("sts:GetCallerIdentity") {
            CallerIdentity(
                account: try result.requiredText(of: "Account"),
                arn: try result.requiredText(of: "Arn"),
                userID: try result.requiredText(of: "UserId"))
        }
    }
}

/// The result of `AssumeRole`: temporary credentials (with their expiry) and the assumed-role identity.
public struct AssumedRole: Sendable, Equatable {
    /// The temporary credentials; `expiration` is always set.
    public var credentials: Credentials
    /// The ARN of the assumed-role session, for example `arn:aws:sts::123456789012:assumed-role/Role/session`.
    public var assumedRoleARN: String
    /// The role id and session name, for example `AROA...:session`.
    public var assumedRoleID: String

    /// Creates an assumed-role value.
    public init(credentials: Credentials, assumedRoleARN: String, assumedRoleID: String) {
        self.credentials = credentials
        self.assumedRoleARN = assumedRoleARN
        self.assumedRoleID = assumedRoleID
    }
}

/// The result of `GetCallerIdentity`.
public struct CallerIdentity: Sendable, Equatable {
    /// The 12-digit account id.
    public var account: String
    /// The ARN of the caller.
    public var arn: String
    /// The unique id of the caller.
    public var userID: String

    /// Creates a caller identity value.
    public init(account: String, arn: String, userID: String) {
        self.account = account
        self.arn = arn
        self.userID = userID
    }
}

extension STSClient: RoleAssuming {
    /// The temporary credentials of `roleARN` from STS AssumeRole (one hour, the STS default).
    public func assumeRole(roleARN: String, sessionName: String) throws -> Credentials {
        try assumeRole(roleARN: roleARN, sessionName: sessionName, durationSeconds: nil).credentials
    }
}
