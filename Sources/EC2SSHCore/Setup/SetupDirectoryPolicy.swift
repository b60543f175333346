/// Which directories an installation may take for STATE_DIR and KEY_CACHE_DIR; pure decisions, no I/O.
///
/// Install chowns KEY_CACHE_DIR to the service user with mode 0700 and uninstall deletes it, so it must be a
/// directory of its own: never a system directory, never one holding other things.
public enum SetupDirectoryPolicy {
    /// What is at a directory path before the installation touches it.
    public enum Existing: Sendable, Equatable {
        /// Nothing.
        case missing
        /// A directory an earlier installation recorded as created by it.
        case recorded
        /// A directory the installation did not record: who owns it and how many entries it holds.
        case directory(ownedByServiceUser: Bool, entries: Int)
        /// Something that is not a directory (a symbolic link is never followed).
        case notDirectory
    }

    /// Directories of the system that no setting may name (install would chown or delete them).
    public static let systemDirectories: Set<String> = [
        "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/media", "/mnt", "/opt", "/proc", "/root",
        "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/lib", "/usr/lib64", "/usr/libexec",
        "/usr/local", "/usr/local/bin", "/usr/local/lib", "/usr/local/sbin", "/usr/local/share", "/usr/sbin",
        "/usr/share", "/var", "/var/cache", "/var/lib", "/var/local", "/var/lock", "/var/log", "/var/mail",
        "/var/opt", "/var/run", "/var/spool", "/var/tmp", "/etc/ssh", "/etc/sudoers.d", "/run/lock",
    ]

    /// Refuses a path that is relative, has `.` or `..` parts, ends in `/`, or is a system directory.
    public static func checkPath(_ path: String, key: String) throws {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard path.hasPrefix("/"), path.count > 1, !path.hasSuffix("/"),
            !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
        else {
            throw EC2SSHError.invalidSetup(
                path: nil,
                message: "\(key)=\"\(path)\" is not a usable directory path: it must be absolute, without . or .."
                    + " parts and without a trailing /")
        }
        guard !systemDirectories.contains(path) else {
            throw EC2SSHError.invalidSetup(
                path: nil,
                message: "\(key)=\"\(path)\" names a system directory; it must be a directory of its own (install"
                    + " changes its owner and mode, uninstall removes it), for example \(key == "STATE_DIR" ? "/var/lib/aws-ec2-ssh" : "/var/cache/aws-ec2-ssh")"
            )
        }
    }

    /// Refuses a KEY_CACHE_DIR that install would take from something else: a system directory, STATE_DIR or a
    /// directory around it, a non-directory, or an existing directory install did not create that holds entries.
    public static func checkCacheDirectory(_ path: String, stateDirectory: String, existing: Existing) throws {
        try checkPath(path, key: "KEY_CACHE_DIR")
        if path == stateDirectory || stateDirectory.hasPrefix(path + "/") {
            throw EC2SSHError.invalidSetup(
                path: nil,
                message: "KEY_CACHE_DIR=\"\(path)\" is STATE_DIR or holds it; the key cache needs a directory of its"
                    + " own, for example /var/cache/aws-ec2-ssh")
        }
        switch existing {
        case .missing, .recorded, .directory(ownedByServiceUser: true, _), .directory(_, entries: 0):
            return
        case .notDirectory:
            throw EC2SSHError.invalidSetup(
                path: nil,
                message: "KEY_CACHE_DIR=\"\(path)\" exists but is not a directory (a symbolic link is never"
                    + " followed); choose another path or remove it")
        case .directory(_, let entries):
            throw EC2SSHError.invalidSetup(
                path: nil,
                message: "KEY_CACHE_DIR=\"\(path)\" already exists, was not created by this installation and holds"
                    + " \(entries) entries; install would hand it to the key command's user and uninstall would"
                    + " delete it: choose a new directory of its own, for example /var/cache/aws-ec2-ssh")
        }
    }
}
