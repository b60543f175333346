public import AWSCore
public import EC2SSHShared

/// The calls `import_users check` makes, one request each; `AWSPermissionProbe` makes them for real.
///
/// Each method throws the `AWSError` of the call (after the retries the real one makes).
public protocol PermissionProbing: Sendable {
    /// Gets the ASSUMEROLE role's credentials once (`sts:AssumeRole` with the host's credentials).
    func assumeRole() throws
    /// Calls the IAM Query action `action` (for example `ListGroupsForUser`) once with `parameters`, with the
    /// credentials IAM is read with, and returns its result element.
    func iam(_ action: String, _ parameters: [(String, String)]) throws -> XMLElement
    /// This instance's id (instance metadata).
    func instanceID() throws -> String
    /// Calls `ec2:DescribeTags` once for tag `key` of instance `instanceID`, with the host's credentials.
    func describeTags(instanceID: String, key: String) throws
    /// Calls `s3:GetObject` once on `location` (unconditionally), with the credentials S3 is read with, sending
    /// `x-amz-expected-bucket-owner` when `expectedBucketOwner` is not empty.
    func getObject(_ location: S3Location, expectedBucketOwner: String) throws
}

/// The real calls, over the same clients (credentials chain, ASSUMEROLE, endpoints, retries) an import uses.
public struct AWSPermissionProbe: PermissionProbing {
    private let clients: AWSClients

    /// Creates the probe over `clients`.
    public init(clients: AWSClients) {
        self.clients = clients
    }

    /// Asks the ASSUMEROLE provider for credentials, which calls STS AssumeRole once (then kept in memory).
    public func assumeRole() throws {
        if let provider = clients.iamCredentials as? AssumeRoleCredentialsProvider {
            _ = try provider.credentials()
        }
    }

    /// One IAM request.
    public func iam(_ action: String, _ parameters: [(String, String)]) throws -> XMLElement {
        try clients.iam().query.call(action, parameters)
    }

    /// `GET /latest/meta-data/instance-id`.
    public func instanceID() throws -> String {
        guard let imds = clients.imds else {
            throw AWSError.configuration(
                detail: "instance metadata is disabled (AWS_EC2_METADATA_DISABLED=true), so the instance id "
                    + "needed for DescribeTags is unknown")
        }
        return try imds.instanceID()
    }

    /// One `ec2:DescribeTags` request filtered by instance id and key.
    public func describeTags(instanceID: String, key: String) throws {
        _ = try clients.ec2().describeTags(resourceID: instanceID, key: key)
    }

    /// One `GetObject` of the snapshot, as a fleet reader makes it (the body is read and dropped).
    public func getObject(_ location: S3Location, expectedBucketOwner: String) throws {
        _ = try clients.s3(expectedBucketOwner: expectedBucketOwner).getObject(location, ifNoneMatch: nil)
    }
}
