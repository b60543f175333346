import AWSCore

/// The real AWS reads: IAM with the ASSUMEROLE credentials when set, IMDS and EC2 with the instance's own.
public struct AWSImportSource: ImportAWSSource {
    private let clients: AWSClients

    /// Creates the source over `clients`; the IAM and EC2 clients are built on first use of each read.
    public init(clients: AWSClients) {
        self.clients = clients
    }

    /// `iam:ListUsers`.
    public func listUsers() throws -> [IAMUser] {
        try clients.iam().listUsers()
    }

    /// `iam:GetGroup`.
    public func getGroup(_ name: String) throws -> IAMGroupMembers {
        try clients.iam().getGroup(name)
    }

    /// `iam:ListUserTags`.
    public func listUserTags(userName: String) throws -> [IAMTag] {
        try clients.iam().listUserTags(userName: userName)
    }

    /// `GET /latest/meta-data/tags/instance/KEY`; `nil` when IMDS is disabled or does not show the tag.
    public func instanceTagFromMetadata(_ key: String) throws -> String? {
        guard let imds = clients.imds else { return nil }
        return try imds.instanceTag(key)
    }

    /// `GET /latest/meta-data/instance-id`.
    public func instanceID() throws -> String {
        guard let imds = clients.imds else {
            throw AWSError.configuration(
                detail: "instance metadata is disabled (AWS_EC2_METADATA_DISABLED=true), so the instance id "
                    + "needed to read its tags is unknown")
        }
        return try imds.instanceID()
    }

    /// `ec2:DescribeTags` filtered by instance id and key.
    public func describeInstanceTag(instanceID: String, key: String) throws -> String? {
        try clients.ec2().describeTags(resourceID: instanceID, key: key).first { $0.key == key }?.value
    }
}
