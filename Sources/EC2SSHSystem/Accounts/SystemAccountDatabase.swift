import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Serialises enumeration: the `setpwent`/`getpwent_r` and `setgrent`/`getgrent` cursors are process-wide.
private let enumerationLock = Mutex(())

/// The real passwd and group databases, read through NSS so that every configured source counts.
///
/// Single lookups use the reentrant `getpwnam_r(3)`, `getpwuid_r(3)` and `getgrnam_r(3)`. Enumeration uses
/// `setpwent(3)`, `getpwent_r(3)`, `endpwent(3)` and `setgrent(3)`, `getgrent(3)`, `endgrent(3)`, whose shared
/// cursor is guarded by a process-wide lock.
public struct SystemAccountDatabase: AccountDatabase {
    /// The files whose identities stand for the databases: the four account files shadow-utils writes, and
    /// nsswitch.conf, which says where else (LDAP, SSSD, ...) NSS looks.
    public static let sourceFiles = ["/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow", "/etc/nsswitch.conf"]

    /// Creates the database.
    public init() {}

    /// The identities of `sourceFiles` (`stat(2)`).
    ///
    /// They cover what useradd, usermod, gpasswd, userdel and an editor do to the local files, not what a network
    /// name service changes on its side.
    public func sourceIdentities() throws -> [FileIdentity]? {
        let fileSystem = PosixFileSystem()
        return try Self.sourceFiles.map { try fileSystem.identity($0) ?? .missing($0) }
    }

    /// Looks `name` up with `getpwnam_r(3)`.
    public func user(named name: String) throws -> LocalUser? {
        guard !name.utf8.contains(0) else { return nil }
        return try Self.lookup("look up user", name, empty: passwd(), convert: Self.makeUser(from:)) {
            getpwnam_r(name, $0, $1, $2, $3)
        }
    }

    /// Looks `uid` up with `getpwuid_r(3)`.
    public func user(uid: UInt32) throws -> LocalUser? {
        try Self.lookup("look up user ID", String(uid), empty: passwd(), convert: Self.makeUser(from:)) {
            getpwuid_r(uid, $0, $1, $2, $3)
        }
    }

    /// Looks `name` up with `getgrnam_r(3)`.
    public func group(named name: String) throws -> LocalGroup? {
        guard !name.utf8.contains(0) else { return nil }
        return try Self.lookup("look up group", name, empty: Glibc.group(), convert: Self.makeGroup(from:)) {
            getgrnam_r(name, $0, $1, $2, $3)
        }
    }

    /// Enumerates users with `setpwent(3)`, `getpwent_r(3)` and `endpwent(3)`.
    public func allUsers() throws -> [LocalUser] {
        try enumerationLock.withLock { _ in
            setpwent()
            defer { endpwent() }
            return try Self.enumerate("list users", empty: passwd(), convert: Self.makeUser(from:)) {
                getpwent_r($0, $1, $2, $3)
            }
        }
    }

    /// Enumerates groups with `setgrent(3)`, `getgrent(3)` and `endgrent(3)` (glibc's headers do not give Swift
    /// `getgrent_r`); the lock makes the non-reentrant call safe within this process.
    public func allGroups() throws -> [LocalGroup] {
        try enumerationLock.withLock { _ in
            setgrent()
            defer { endgrent() }
            var groups: [LocalGroup] = []
            while true {
                errno = 0
                guard let entry = getgrent() else {
                    // glibc reports the end with errno 0 or ENOENT; anything else is a failing name service.
                    if errno == 0 || errno == ENOENT { return groups }
                    throw SystemError(
                        .systemCall, operation: "list groups", subject: "NSS", errno: errno,
                        hint: "check /etc/nsswitch.conf and the name services it lists")
                }
                groups.append(Self.makeGroup(from: entry.pointee))
            }
        }
    }

    /// The signature shared by the `get*_r` functions once their key is bound.
    private typealias ReentrantCall<Entry> = (
        UnsafeMutablePointer<Entry>, UnsafeMutablePointer<CChar>, Int,
        UnsafeMutablePointer<UnsafeMutablePointer<Entry>?>
    ) -> Int32

    /// The largest buffer a lookup may grow to before it gives up.
    private static let maximumBufferSize = 64 << 20

    /// Runs one reentrant lookup, growing the buffer on `ERANGE`; returns `nil` when the entry does not exist.
    private static func lookup<Entry, Value>(
        _ operation: String, _ key: String, empty: Entry, convert: (Entry) -> Value, call: ReentrantCall<Entry>
    ) throws -> Value? {
        var size = 4096
        while true {
            let (code, value) = callOnce(bufferSize: size, empty: empty, convert: convert, call: call)
            if code == ERANGE && size < maximumBufferSize {
                size *= 2
                continue
            }
            // Not found is 0 with no result; some NSS modules say ENOENT instead.
            if code == 0 || code == ENOENT { return value }
            throw SystemError(
                .systemCall, operation: operation, subject: key, errno: code,
                hint: "check /etc/nsswitch.conf and the name services it lists")
        }
    }

    /// Makes one reentrant call with a fresh buffer of `bufferSize` bytes; returns its code and converted entry.
    private static func callOnce<Entry, Value>(
        bufferSize: Int, empty: Entry, convert: (Entry) -> Value, call: ReentrantCall<Entry>
    ) -> (Int32, Value?) {
        var entry = empty
        var result: UnsafeMutablePointer<Entry>? = nil
        var buffer = [CChar](repeating: 0, count: bufferSize)
        return buffer.withUnsafeMutableBufferPointer { bytes -> (Int32, Value?) in
            guard let base = bytes.baseAddress else { return (EINVAL, nil) }
            let code = call(&entry, base, bytes.count, &result)
            guard code == 0, let found = result else { return (code, nil) }
            return (0, convert(found.pointee))
        }
    }

    /// Reads every entry of an enumeration whose cursor is already open, growing the buffer on `ERANGE`.
    private static func enumerate<Entry, Value>(
        _ operation: String, empty: Entry, convert: (Entry) -> Value, call: ReentrantCall<Entry>
    ) throws -> [Value] {
        var values: [Value] = []
        var size = 16_384
        while true {
            let (code, value) = callOnce(bufferSize: size, empty: empty, convert: convert, call: call)
            if code == ERANGE && size < maximumBufferSize {
                size *= 2
                continue
            }
            if code == ENOENT || (code == 0 && value == nil) { return values }
            guard code == 0, let value else {
                throw SystemError(
                    .systemCall, operation: operation, subject: "NSS", errno: code,
                    hint: "check /etc/nsswitch.conf and the name services it lists")
            }
            values.append(value)
        }
    }

    /// Converts a C `passwd` entry.
    private static func makeUser(from entry: passwd) -> LocalUser {
        LocalUser(
            name: string(entry.pw_name), uid: entry.pw_uid, gid: entry.pw_gid, home: string(entry.pw_dir),
            shell: string(entry.pw_shell))
    }

    /// Converts a C `group` entry, including its NULL-terminated member list.
    private static func makeGroup(from entry: Glibc.group) -> LocalGroup {
        var members: [String] = []
        if var cursor = entry.gr_mem {
            while let member = cursor.pointee {
                members.append(String(cString: member))
                cursor += 1
            }
        }
        return LocalGroup(name: string(entry.gr_name), gid: entry.gr_gid, members: members)
    }

    /// A C string, or "" for NULL.
    private static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}
