#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// The accounts import_users created, persisted between runs; it is the proof of ownership.
public struct ManagedState: Sendable, Equatable, Codable {
    /// Where an account is in its life.
    public enum Status: String, Sendable, Equatable, Codable {
        /// Recorded before useradd runs; the next run finishes or repeats the creation.
        case creating
        /// Created and owned.
        case active
        /// Recorded before the deletion starts; the next run finishes it.
        case deleting
    }

    /// Whether import_users locked an account because its IAM user lost access (`usermod --lock --expiredate 1`).
    ///
    /// `locking` and `unlocking` are written before usermod runs, so a run killed in between is repaired by the
    /// next one; an account without a value was never locked by import_users and is never unlocked by it.
    public enum Lock: String, Sendable, Equatable, Codable {
        /// The lock is planned; the next run locks again unless the IAM user is authorized again.
        case locking
        /// Locked and out of the managed-users index: the IAM user is no longer authorized.
        case locked
        /// The unlock is planned; the next run unlocks again unless the IAM user lost access again.
        case unlocking
    }

    /// One managed account.
    public struct Account: Sendable, Equatable, Codable {
        /// The IAM user name.
        public var iamUserName: String
        /// The IAM UserId of the person the account was created for.
        public var iamUserID: String
        /// The UID, once known (pre-assigned, or read back after creation).
        public var uid: UInt32?
        /// When the creation was planned (whole seconds).
        public var createdAt: Date
        /// Whether we hold a sudoers file for it.
        public var sudo: Bool
        /// The supplementary groups import_users added it to (the marker group excluded), sorted.
        public var grantedGroups: [String]
        /// How many consecutive complete runs the IAM user was missing.
        public var missingRuns: Int
        /// Where the account is in its life.
        public var status: Status
        /// Whether import_users locked the account (absent when it did not); a locked account is not in the index.
        public var lock: Lock?

        /// Creates an entry.
        public init(
            iamUserName: String, iamUserID: String, uid: UInt32?, createdAt: Date, sudo: Bool = false,
            grantedGroups: [String] = [], missingRuns: Int = 0, status: Status = .active, lock: Lock? = nil
        ) {
            self.iamUserName = iamUserName
            self.iamUserID = iamUserID
            self.uid = uid
            self.createdAt = createdAt
            self.sudo = sudo
            self.grantedGroups = grantedGroups
            self.missingRuns = missingRuns
            self.status = status
            self.lock = lock
        }

        /// Whether the account may log in: active and not locked (nor being locked or unlocked) by import_users.
        public var grantsAccess: Bool { status == .active && lock == nil }
    }

    /// The schema version this code writes and reads.
    public static let currentVersion = 1

    /// The schema version.
    public var version: Int
    /// Managed accounts by local name.
    public var accounts: [String: Account]

    /// Creates a state; an empty one is what a host without a state file has.
    public init(version: Int = ManagedState.currentVersion, accounts: [String: Account] = [:]) {
        self.version = version
        self.accounts = accounts
    }

    /// The state with the UID of `localName` recorded, for the executor once useradd has chosen it.
    public func recordingUID(_ uid: UInt32, for localName: String) -> ManagedState {
        var copy = self
        copy.accounts[localName]?.uid = uid
        return copy
    }

    /// The JSON bytes of the state: sorted keys, ISO-8601 dates, a trailing newline.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Decodes a state file's bytes, refusing a newer schema version.
    public static func decoded(from data: Data) throws(PlanError) -> ManagedState {
        struct VersionOnly: Decodable { var version: Int }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let version: Int
        do {
            version = try decoder.decode(VersionOnly.self, from: data).version
        } catch {
            throw PlanError.corruptState(detail: DecodingProblem.describe(error))
        }
        guard version >= 1 else { throw PlanError.corruptState(detail: "schema version \(version)") }
        guard version <= currentVersion else {
            throw PlanError.unsupportedStateVersion(found: version, supported: currentVersion)
        }
        let state: ManagedState
        do {
            state = try decoder.decode(ManagedState.self, from: data)
        } catch {
            throw PlanError.corruptState(detail: DecodingProblem.describe(error))
        }
        for (name, account) in state.accounts where !NameMapping.isValidLocalName(name) || account.missingRuns < 0 {
            throw PlanError.corruptState(detail: "invalid entry \(String(reflecting: name))")
        }
        return state
    }
}
