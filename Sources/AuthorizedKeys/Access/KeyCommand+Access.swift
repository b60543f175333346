public import EC2SSHCore
import EC2SSHShared
public import EC2SSHSystem

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

extension KeyCommand {
    /// Decides whether authorized_keys_command may serve keys for a local user, before any IAM call.
    ///
    /// Keys are served only for a local account that exists, is not root and has a UID of at least UID_MIN, and
    /// that import_users lists in its managed users index (STATE_DIR/managed-users.json, trusted only when it and
    /// STATE_DIR are owned by root and not group- or world-writable) with the account's current UID (when the index
    /// records one) under an IAM user whose name maps to the account's name, whose temporary access (if any) has not
    /// ended, and that is in LOCAL_MARKER_GROUP (as a supplementary member or as its primary group).
    public struct Access: Sendable {
        /// The passwd database.
        public let accounts: any AccountDatabase
        /// Where the index is read from.
        public let fileSystem: any FileSystem
        /// The UID limits of /etc/login.defs.
        public let loginDefs: LoginDefs
        /// STATE_DIR, the directory of the index.
        public let stateDirectory: String
        /// LOCAL_MARKER_GROUP, the group import_users puts every account it manages in.
        public let markerGroup: String

        /// Creates the check.
        public init(
            accounts: any AccountDatabase, fileSystem: any FileSystem, loginDefs: LoginDefs, stateDirectory: String,
            markerGroup: String
        ) {
            self.accounts = accounts
            self.fileSystem = fileSystem
            self.loginDefs = loginDefs
            self.stateDirectory = stateDirectory
            self.markerGroup = markerGroup
        }

        /// The path of the managed users index.
        public var indexPath: String {
            (stateDirectory.hasSuffix("/") ? stateDirectory : stateDirectory + "/") + ManagedUsersIndex.fileName
        }

        /// The grant for `localName` at `now`, or why keys must not be served.
        public func check(localName: String, now: Date) -> Result<KeyCommand.Grant, KeyCommand.Refusal> {
            guard NameMapping.isValidLocalName(localName) else { return .failure(.invalidUserName) }
            guard localName != "root" else { return .failure(.rootName) }
            let account: LocalUser
            do {
                guard let found = try accounts.user(named: localName) else { return .failure(.noSuchAccount) }
                account = found
            } catch {
                return .failure(.accountLookupFailed(detail: "\(error)"))
            }
            guard account.uid != 0 else { return .failure(.superuserUID) }
            guard !loginDefs.isSystemUID(account.uid) else {
                return .failure(.systemAccount(uid: account.uid, uidMin: loginDefs.uidMin))
            }
            let found: ManagedUsersIndex.Entry?
            switch readEntry(localName) {
            case .success(let read): found = read
            case .failure(let refusal): return .failure(refusal)
            }
            guard let entry = found else { return .failure(.notManaged) }
            if let indexedUID = entry.uid, indexedUID != account.uid {
                return .failure(.uidMismatch(indexed: indexedUID, actual: account.uid))
            }
            if let refusal = checkMarkerGroup(account) { return .failure(refusal) }
            let expected = NameMapping.iamName(forLocalName: localName)
            guard entry.iamUserName == expected, NameMapping.localName(forIAMName: entry.iamUserName) == localName
            else {
                return .failure(.nameMismatch(expectedIAMName: expected, indexedIAMName: entry.iamUserName))
            }
            if let expiry = entry.accessExpiresAt, expiry <= now {
                return .failure(.accessExpired(at: expiry))
            }
            return .success(
                KeyCommand.Grant(
                    localName: localName, uid: account.uid, iamUserName: entry.iamUserName, iamUserID: entry.iamUserID,
                    iamUserARN: entry.iamUserARN, accessExpiresAt: entry.accessExpiresAt))
        }

        /// Why `account` is not a member of the marker group, or `nil` when it is.
        func checkMarkerGroup(_ account: LocalUser) -> KeyCommand.Refusal? {
            let group: LocalGroup?
            do {
                group = try accounts.group(named: markerGroup)
            } catch {
                return .accountLookupFailed(detail: "group \(markerGroup): \(error)")
            }
            guard let group, group.members.contains(account.name) || group.gid == account.gid else {
                return .notInMarkerGroup(group: markerGroup)
            }
            return nil
        }

        /// The index entry of `localName` (`nil` when the index does not list it), looked up after checking the owner
        /// and mode of STATE_DIR and of the file (`ManagedUsersIndexLookup`: a binary search, not a whole decode).
        func readEntry(_ localName: String) -> Result<ManagedUsersIndex.Entry?, KeyCommand.Refusal> {
            let path = indexPath
            do {
                guard let directory = try fileSystem.status(stateDirectory) else {
                    return .failure(.indexMissing(path: path))
                }
                if let problem = FileTrust.problem(with: directory, type: .directory) {
                    return .failure(.indexUntrusted(path: stateDirectory, reason: problem))
                }
                guard let file = try fileSystem.status(path) else { return .failure(.indexMissing(path: path)) }
                if let problem = FileTrust.problem(with: file, type: .regular) {
                    return .failure(.indexUntrusted(path: path, reason: problem))
                }
                return try fileSystem.withFileBytes(path) { bytes in
                    guard let bytes else { return .failure(.indexMissing(path: path)) }
                    return .success(try ManagedUsersIndexLookup.entry(for: localName, in: bytes, path: path))
                }
            } catch let error as EC2SSHError {
                return .failure(.indexUnreadable(path: path, detail: "\(error)"))
            } catch {
                return .failure(.indexUnreadable(path: path, detail: "\(error)"))
            }
        }
    }
}
