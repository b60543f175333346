import EC2SSHCore
public import EC2SSHSystem

/// The files an installation will write or remove, staged in memory before anything changes.
public struct SetupPlan: Sendable {
    /// A file to write: its new contents, mode and owner (by name: the service user may not exist yet).
    public struct Write: Sendable, Equatable {
        /// The absolute path.
        public var path: String
        /// The new contents.
        public var contents: [UInt8]
        /// The permission bits.
        public var mode: UInt32
        /// The owning user's name.
        public var user: String
        /// The owning group's name.
        public var group: String
        /// Whether the diff shows the text (false for binaries).
        public var isText: Bool
        /// The owner by ID, for a file that keeps its current owner (`user` and `group` are then only shown).
        public var fixedOwner: FileOwner?

        /// Creates a planned write.
        public init(
            path: String, contents: [UInt8], mode: UInt32, user: String = "root", group: String = "root",
            isText: Bool = true
        ) {
            self.path = path
            self.contents = contents
            self.mode = mode
            self.user = user
            self.group = group
            self.isText = isText
        }
    }

    /// The files to write, in order.
    public var writes: [Write] = []
    /// The files to remove, in order.
    public var removals: [String] = []

    /// Creates an empty plan.
    public init() {}

    /// Adds a text file.
    public mutating func write(
        _ path: String, text: String, mode: UInt32, user: String = "root", group: String = "root"
    ) {
        writes.append(Write(path: path, contents: Array(text.utf8), mode: mode, user: user, group: group))
    }

    /// Adds a removal (the caller checks that something is there).
    public mutating func remove(_ path: String) {
        if !removals.contains(path) { removals.append(path) }
    }

    /// The staged text of `path`, if the plan writes it.
    public func text(of path: String) -> String? {
        writes.last(where: { $0.path == path }).map { String(decoding: $0.contents, as: UTF8.self) }
    }
}
