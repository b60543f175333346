public import EC2SSHCore
public import EC2SSHSystem

/// A reader's verified copy of the fleet envelope and its state file, for example STATE_DIR/fleet-snapshot and
/// STATE_DIR/fleet-snapshot.state (import_users, root, 0644) or KEY_CACHE_DIR/fleet-snapshot (the key command).
///
/// The envelope is written only after `FleetSnapshotCheck` passed, then the state; each atomically (temporary
/// file, fsync, rename). Reading a copy checks it again (signature and digest, not a full decode), so a file
/// changed on disk is never served.
public struct FleetSnapshotStore: Sendable {
    /// The envelope's path; the state file is this path plus `FleetReaderState.suffix`.
    public let path: String
    /// Who owns the files (`nil`: the running user).
    public let owner: FileOwner?
    private let fileSystem: any FileSystem

    /// A store at `path`.
    public init(path: String, owner: FileOwner?, fileSystem: any FileSystem) {
        self.path = path
        self.owner = owner
        self.fileSystem = fileSystem
    }

    /// The state file's path.
    public var statePath: String { path + FleetReaderState.suffix }

    /// The state, `nil` when there is none; a corrupt one throws `EC2SSHError.invalidDataFile`.
    public func loadState() throws -> FleetReaderState? {
        guard let bytes = try fileSystem.readFile(statePath) else { return nil }
        return try FleetReaderState.decoded(bytes, path: statePath)
    }

    /// The stored envelope if it passes `check` (signature, location, digest); `nil` when there is none.
    ///
    /// A copy that fails the check throws `FleetRefusal`: it is never used.
    public func loadVerified(_ check: FleetSnapshotCheck) throws -> FleetVerifiedCopy? {
        guard let bytes = try fileSystem.readFile(path) else { return nil }
        let verified = try bytes.withUnsafeBufferPointer { check.verify($0) }.get()
        return FleetVerifiedCopy(bytes: bytes, verified: verified)
    }

    /// Writes `envelope` (verified by the caller) and then `state`, each atomically, mode 0644.
    public func save(envelope: [UInt8]?, state: FleetReaderState) throws {
        if let envelope { try fileSystem.writeFileAtomically(path, contents: envelope, mode: 0o644, owner: owner) }
        try fileSystem.writeFileAtomically(statePath, contents: try state.encoded(), mode: 0o644, owner: owner)
    }
}

/// An envelope that passed `FleetSnapshotCheck.verify`: its bytes and the verified manifest.
public struct FleetVerifiedCopy: Sendable, Equatable {
    /// The whole envelope.
    public var bytes: [UInt8]
    /// What the check verified (manifest, where the snapshot starts).
    public var verified: FleetSnapshotCheck.Verified

    /// A copy from its parts.
    public init(bytes: [UInt8], verified: FleetSnapshotCheck.Verified) {
        self.bytes = bytes
        self.verified = verified
    }

    /// The verified manifest.
    public var manifest: FleetManifest { verified.manifest }

    /// The snapshot decoded (import_users); throws `FleetFormatError`.
    public func decodeSnapshot() throws -> FleetSnapshot {
        try bytes.withUnsafeBufferPointer {
            try FleetSnapshotCodec.decode(UnsafeBufferPointer(rebasing: $0[verified.snapshotOffset...]))
        }
    }

    /// One user looked up by binary search (the key command); throws `FleetFormatError`.
    public func user(named name: String) throws -> FleetUser? {
        try bytes.withUnsafeBufferPointer {
            try FleetSnapshotLookup.user(named: name, in: UnsafeBufferPointer(rebasing: $0[verified.snapshotOffset...]))
        }
    }
}
