public import AWSCore
import EC2SSHShared

/// The AWS reads import_users makes; the real one is `AWSClientsReader`, tests use a fake without HTTP.
///
/// Every method throws the `AWSError` of the failed read (after the retries the real one makes).
public protocol AWSReading: Sendable {
    /// All IAM users (`iam:ListUsers`, every page).
    func listUsers() throws -> [IAMUser]
    /// One IAM group with all its members (`iam:GetGroup`, every page).
    func getGroup(_ name: String) throws -> IAMGroupMembers
    /// The tags of one IAM user (`iam:ListUserTags`, every page).
    func listUserTags(userName: String) throws -> [IAMTag]
    /// The value of this instance's tag `key` from instance metadata, or `nil` when metadata does not show it.
    func instanceTagFromMetadata(_ key: String) throws -> String?
    /// This instance's id (instance metadata).
    func instanceID() throws -> String
    /// The value of tag `key` of instance `instanceID` (`ec2:DescribeTags`), or `nil` when it has no such tag.
    func describeInstanceTag(instanceID: String, key: String) throws -> String?
}
