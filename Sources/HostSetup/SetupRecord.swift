import EC2SSHCore

/// What an installation created and may therefore remove: kept in STATE_DIR/setup-record, one
/// `created-directory PATH` line per directory.
public struct SetupRecord: Sendable, Equatable {
    /// The file name in STATE_DIR.
    public static let fileName = "setup-record"
    /// The directories installations created.
    public var createdDirectories: [String] = []

    /// Creates an empty record.
    public init() {}

    /// Reads the record's text; unknown lines are ignored.
    public init(text: String) {
        for line in TextLines(text).lines where line.hasPrefix("created-directory /") {
            let path = String(line.dropFirst("created-directory ".count))
            if !createdDirectories.contains(path) { createdDirectories.append(path) }
        }
    }

    /// Adds a directory.
    public mutating func add(_ path: String) {
        if !createdDirectories.contains(path) { createdDirectories.append(path) }
    }

    /// The record's text.
    public var text: String {
        "# aws-ec2-ssh: what the installation created (uninstall removes only these)\n"
            + createdDirectories.map { "created-directory \($0)\n" }.joined()
    }
}
