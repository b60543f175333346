import EC2SSHCore
public import EC2SSHSystem

/// Applies a plan file by file, remembering each file's previous state so that `rollback` puts it all back.
public final class SetupJournal {
    /// What a path held before the installation changed it.
    private enum Previous {
        case absent
        case file(contents: [UInt8], status: FileStatus)
    }

    private let host: SetupHost
    private var entries: [(path: String, previous: Previous)] = []
    /// Directories this run created, newest last; rollback removes them.
    public private(set) var createdDirectories: [String] = []
    /// Whether this run created the service user.
    public var createdServiceUser = false

    /// Creates an empty journal for `host`.
    public init(host: SetupHost) {
        self.host = host
    }

    /// Whether the file at `path` differs from the planned write (contents, mode or owner).
    public func differs(_ write: SetupPlan.Write) throws -> Bool {
        guard let status = try host.fileSystem.status(write.path), status.type == .regular,
            let current = try host.fileSystem.readFile(write.path)
        else { return true }
        guard current == write.contents, status.mode == write.mode else { return true }
        guard let owner = write.fixedOwner ?? resolve(user: write.user, group: write.group) else { return true }
        return status.owner != owner
    }

    /// The owner for `user`:`group` by name; `nil` when either does not exist.
    public func resolve(user: String, group: String) -> FileOwner? {
        let uid: UInt32? = user == "root" ? 0 : host.user(user)?.uid
        let gid: UInt32? = group == "root" ? 0 : host.group(group)?.gid
        guard let uid, let gid else { return nil }
        return FileOwner(uid: uid, gid: gid)
    }

    /// Writes `write` atomically after recording what was there; refuses to replace a symbolic link.
    public func apply(_ write: SetupPlan.Write) throws {
        guard let owner = write.fixedOwner ?? resolve(user: write.user, group: write.group) else {
            throw SetupError(
                "cannot write \(write.path): the user \(write.user) or the group \(write.group) does not exist")
        }
        try record(write.path)
        try ensureParent(of: write.path)
        try host.fileSystem.writeFileAtomically(write.path, contents: write.contents, mode: write.mode, owner: owner)
    }

    /// Removes `path` after recording what was there.
    public func remove(_ path: String) throws {
        try record(path)
        try host.fileSystem.removeFile(path)
    }

    /// Creates the directory `path` (its parent must exist) and records it for rollback.
    public func createDirectory(_ path: String, mode: UInt32, owner: FileOwner) throws {
        let existed = try host.fileSystem.status(path) != nil
        try host.fileSystem.createDirectory(path, mode: mode, owner: owner)
        if !existed { createdDirectories.append(path) }
    }

    /// Puts every recorded file back, newest change first, and removes the directories this run created; returns
    /// the paths it could not restore.
    @discardableResult
    public func rollback() -> [String] {
        var failed: [String] = []
        for (path, previous) in entries.reversed() {
            do {
                switch previous {
                case .absent:
                    try host.fileSystem.removeFile(path)
                    host.reporter.warning("removed \(path)")
                case .file(let contents, let status):
                    try host.fileSystem.writeFileAtomically(
                        path, contents: contents, mode: status.mode, owner: status.owner)
                    host.reporter.warning("restored \(path)")
                }
            } catch {
                failed.append(path)
                host.reporter.error("could not restore \(path): \(error)")
            }
        }
        entries = []
        for directory in createdDirectories.reversed() {
            if (try? host.run("/bin/rm", ["-r", "--one-file-system", "--", directory]))??.succeeded != true {
                failed.append(directory)
            } else {
                host.reporter.warning("removed \(directory)")
            }
        }
        createdDirectories = []
        if createdServiceUser {
            _ = try? host.run("userdel", ["--", host.layout.serviceUser])
            if host.group(host.layout.serviceUser) != nil {
                _ = try? host.run("groupdel", ["--", host.layout.serviceUser])
            }
            host.reporter.warning("removed the system user \(host.layout.serviceUser)")
            createdServiceUser = false
        }
        return failed
    }

    /// Forgets the journal: the changes are final.
    public func commit() {
        entries = []
        createdDirectories = []
        createdServiceUser = false
    }

    private func record(_ path: String) throws {
        guard let status = try host.fileSystem.status(path) else {
            entries.append((path, .absent))
            return
        }
        guard status.type == .regular, let contents = try host.fileSystem.readFile(path) else {
            throw SetupError(
                "\(path) is not a regular file (\(status.type)); the installer never replaces a symbolic link or"
                    + " anything else it cannot restore: replace it with a regular file, then run again")
        }
        entries.append((path, .file(contents: contents, status: status)))
    }

    private func ensureParent(of path: String) throws {
        let (directory, _) = GlobPattern.split(path)
        guard try host.fileSystem.status(directory) == nil else { return }
        try ensureParent(of: directory)
        try createDirectory(directory, mode: 0o755, owner: .root)
    }
}
