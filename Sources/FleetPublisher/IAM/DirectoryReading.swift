public import AWSCore

/// The IAM reads the publisher makes; `IAMClient` implements them, tests fake them.
///
/// Every listing returns only when every page arrived (`IAMClient` throws on a failed or truncated page), and
/// every method throws the `AWSError` of a read that failed after the client's retries.
public protocol DirectoryReading: Sendable {
    /// All IAM users (`iam:ListUsers`, every page).
    func listUsers() throws -> [IAMUser]
    /// All IAM groups, without members (`iam:ListGroups`, every page).
    func listGroups() throws -> [IAMGroup]
    /// One IAM group with all its members (`iam:GetGroup`, every page).
    func getGroup(_ name: String) throws -> IAMGroupMembers
    /// The SSH public keys of `userName`, without bodies (`iam:ListSSHPublicKeys`, every page).
    func listSSHPublicKeys(userName: String) throws -> [SSHPublicKeyMetadata]
    /// One key of `userName` in OpenSSH encoding (`iam:GetSSHPublicKey` with `Encoding=SSH`).
    func getSSHPublicKey(userName: String, keyID: String) throws -> SSHPublicKey
    /// The tags of `userName` (`iam:ListUserTags`, every page).
    func listUserTags(userName: String) throws -> [IAMTag]
}

extension IAMClient: DirectoryReading {}
