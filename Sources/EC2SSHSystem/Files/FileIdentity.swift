/// Who a file is and when it last changed: enough to tell, without reading it, that it is not the file seen before.
///
/// A file is the same as before when its device, inode, size, modification and status-change times (nanoseconds)
/// are all equal. Every write changes the status-change time, which no program can set back (only the clock
/// can), and a file replaced by rename, as useradd, visudo and import_users do, gets a new inode. A missing file has
/// an identity too (`stamp` "missing"), so a file that appears or disappears is a change.
public struct FileIdentity: Sendable, Equatable, Hashable {
    /// The path the identity was taken of.
    public var path: String
    /// "DEV:INODE:SIZE:MTIME_NS:CTIME_NS", "missing", or whatever a test double uses; equal stamps mean unchanged.
    public var stamp: String
    /// The later of the modification and status-change times, in seconds since 1970 (0 for a missing file).
    public var changedAt: Double

    /// Creates an identity from its parts.
    public init(path: String, stamp: String, changedAt: Double) {
        self.path = path
        self.stamp = stamp
        self.changedAt = changedAt
    }

    /// Whether nothing was at `path`.
    public var isMissing: Bool { stamp == "missing" }

    /// The identity of nothing at `path`.
    public static func missing(_ path: String) -> FileIdentity {
        FileIdentity(path: path, stamp: "missing", changedAt: 0)
    }
}
