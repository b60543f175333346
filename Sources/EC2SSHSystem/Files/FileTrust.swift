/// Owner and mode checks for the files authorized_keys_command trusts: every check says why it failed.
public enum FileTrust {
    /// Why `status` at `path` is not a root-owned regular file or directory that only root can change, or `nil`.
    ///
    /// - Parameters:
    ///   - type: the kind of object expected.
    ///   - allowedOwners: the UIDs that may own it (root, and for the configuration file also the running user).
    public static func problem(
        with status: FileStatus, type: FileType, allowedOwners: Set<UInt32> = [0]
    ) -> String? {
        guard status.type == type else {
            return "it is a \(describe(status.type)), not a \(describe(type))"
        }
        guard allowedOwners.contains(status.uid) else {
            let owners = allowedOwners.sorted().map(String.init).joined(separator: " or ")
            return "it is owned by UID \(status.uid), not UID \(owners)"
        }
        guard status.mode & 0o022 == 0 else {
            return "its mode \(octal(status.mode)) lets the group or others write to it"
        }
        return nil
    }

    /// Why `status` is not private to `uid` (owned by it, no group or other permission bits), or `nil`.
    public static func privateProblem(with status: FileStatus, type: FileType, uid: UInt32) -> String? {
        guard status.type == type else {
            return "it is a \(describe(status.type)), not a \(describe(type))"
        }
        guard status.uid == uid else {
            return "it is owned by UID \(status.uid), not by the running user (UID \(uid))"
        }
        guard status.mode & 0o077 == 0 else {
            return "its mode \(octal(status.mode)) gives the group or others access; it must be 0700 or 0600"
        }
        return nil
    }

    /// `mode` written as four octal digits, for example `0644`.
    public static func octal(_ mode: UInt32) -> String {
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private static func describe(_ type: FileType) -> String {
        switch type {
        case .regular: return "regular file"
        case .directory: return "directory"
        case .symbolicLink: return "symbolic link"
        case .other: return "special file"
        }
    }
}
