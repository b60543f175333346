public import EC2SSHSystem

/// The publisher's files in STATE_DIR/publisher: `state.json` (`PublisherState`), `key-bodies.json`
/// (`KeyBodyCache`) and the lock `publish.lock`.
///
/// The directory is created (mode 0700) when missing and must be a directory owned by the running user that
/// nobody else can write; every file is replaced atomically (temp file, fsync, rename), mode 0600.
public struct PublisherStore: Sendable {
    /// STATE_DIR/publisher.
    public let directory: String
    private let fileSystem: any FileSystem
    private let uid: UInt32

    /// The store under `stateDirectory` (STATE_DIR), for files owned by `uid` (the running user).
    public init(stateDirectory: String, fileSystem: any FileSystem, uid: UInt32) {
        let base =
            stateDirectory.count > 1 && stateDirectory.hasSuffix("/")
            ? String(stateDirectory.dropLast()) : stateDirectory
        self.directory = base + "/publisher"
        self.fileSystem = fileSystem
        self.uid = uid
    }

    /// The path of the state file.
    public var statePath: String { directory + "/state.json" }
    /// The path of the key-body cache.
    public var cachePath: String { directory + "/key-bodies.json" }
    /// The path of the lock file.
    public var lockPath: String { directory + "/publish.lock" }

    /// Creates STATE_DIR and the publisher directory when missing (mode 0700) and checks that nobody else can
    /// change them: STATE_DIR must belong to root or the running user, the publisher directory to the running user.
    public func prepare() throws(PublishError) {
        let parent = String(directory.dropLast("/publisher".count))
        // STATE_DIR may be root's (a host that also imports); the publisher's own directory is the running user's.
        for (path, owners) in [(parent, Set([0, uid])), (directory, Set([uid]))] {
            do {
                if try fileSystem.status(path) == nil {
                    try fileSystem.createDirectory(path, mode: 0o700, owner: nil)
                }
                guard let status = try fileSystem.status(path) else {
                    throw PublishError.unusableState(path: path, detail: "it vanished after it was created")
                }
                if let problem = FileTrust.problem(with: status, type: .directory, allowedOwners: owners) {
                    throw PublishError.unusableState(
                        path: path,
                        detail: "\(problem); it must be a directory owned by the user running the publisher "
                            + "(UID \(uid))\(path == parent ? " or root" : "") that nobody else can write")
                }
            } catch let error as PublishError {
                throw error
            } catch {
                throw .unusableState(path: path, detail: "\(error)")
            }
        }
    }

    /// The recorded state, or `nil` before the first publish.
    public func loadState() throws(PublishError) -> PublisherState? {
        let bytes: [UInt8]?
        do {
            bytes = try fileSystem.readFile(statePath)
        } catch {
            throw .unusableState(path: statePath, detail: "\(error)")
        }
        guard let bytes else { return nil }
        do {
            return try PublisherState.decode(bytes)
        } catch {
            throw .unusableState(path: statePath, detail: "it is not a publisher state file (\(error))")
        }
    }

    /// Records `state` atomically.
    public func saveState(_ state: PublisherState) throws(PublishError) {
        do {
            try fileSystem.writeFileAtomically(statePath, contents: try state.encoded(), mode: 0o600, owner: nil)
        } catch {
            throw .stateNotRecorded(path: statePath, detail: "\(error)")
        }
    }

    /// The key-body cache; a missing file is an empty cache, an unreadable one is reported and read as empty
    /// (it only saves IAM calls).
    public func loadCache(warn: (String) -> Void) -> KeyBodyCache {
        do {
            guard let bytes = try fileSystem.readFile(cachePath) else { return KeyBodyCache() }
            return try KeyBodyCache.decode(bytes)
        } catch {
            warn("\(cachePath) cannot be used (\(error)); every key body is read from IAM again this run")
            return KeyBodyCache()
        }
    }

    /// Replaces the key-body cache atomically; a failure is reported, not fatal.
    public func saveCache(_ cache: KeyBodyCache, warn: (String) -> Void) {
        do {
            try fileSystem.writeFileAtomically(cachePath, contents: try cache.encoded(), mode: 0o600, owner: nil)
        } catch {
            warn("cannot write \(cachePath): \(error); the next run reads the key bodies from IAM again")
        }
    }
}
