public import AWSCore

/// The three IAM reads authorized_keys_command makes; `IAMClient` implements them, tests fake them.
public protocol IAMKeyReading: Sendable {
    /// The SSH public keys of `userName`, without bodies (`ListSSHPublicKeys`).
    func listSSHPublicKeys(userName: String) throws -> [SSHPublicKeyMetadata]
    /// One key of `userName` in OpenSSH encoding (`GetSSHPublicKey` with `Encoding=SSH`).
    func getSSHPublicKey(userName: String, keyID: String) throws -> SSHPublicKey
    /// The IAM groups `userName` belongs to (`ListGroupsForUser`).
    func listGroupsForUser(userName: String) throws -> [IAMGroup]
}

extension IAMClient: IAMKeyReading {}
