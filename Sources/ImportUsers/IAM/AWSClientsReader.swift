public import AWSCore
public import EC2SSHShared
import Synchronization

/// The real `AWSReading`, over `AWSClients`: IAM with the ASSUMEROLE credentials when set, IMDS and EC2 with the
/// instance's own.
public struct AWSClientsReader: AWSReading {
    private let clients: AWSClients
    private let cachedIAM = CachedClient<IAMClient>()
    private let cachedEC2 = CachedClient<EC2Client>()

    /// Creates the source over `clients`; the IAM and EC2 clients are built on first use and then kept.
    public init(clients: AWSClients) {
        self.clients = clients
    }

    /// `iam:ListUsers`.
    public func listUsers() throws -> [IAMUser] {
        try iam().listUsers()
    }

    /// `iam:GetGroup`.
    public func getGroup(_ name: String) throws -> IAMGroupMembers {
        try iam().getGroup(name)
    }

    /// `iam:ListUserTags`.
    public func listUserTags(userName: String) throws -> [IAMTag] {
        try iam().listUserTags(userName: userName)
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
        try cachedEC2.get { try clients.ec2() }.describeTags(resourceID: instanceID, key: key)
            .first { $0.key == key }?.value
    }

    private func iam() throws -> IAMClient {
        try cachedIAM.get { try clients.iam() }
    }
}

/// A client built once on first success (building one resolves the region and endpoint); failures are retried.
private final class CachedClient<Client: Sendable>: Sendable {
    private let client = Mutex<Client?>(nil)

    func get(_ make: () throws -> Client) throws -> Client {
        if let existing = client.withLock({ $0 }) { return existing }
        let made = try make()
        client.withLock { $0 = made }
        return made
    }
}
