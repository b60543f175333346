public import EC2SSHCore
public import EC2SSHSystem

/// Everything the installer touches on the host, passed in: files, programs, the environment, the console.
public struct SetupHost: Sendable {
    /// Files, through the one filesystem protocol.
    public var fileSystem: any FileSystem
    /// Programs, through the one process runner.
    public var runner: any ProcessRunning
    /// The environment programs are found in (PATH) and run with.
    public var environment: [String: String]
    /// Messages.
    public var reporter: SetupReporter
    /// Paths and markers.
    public var layout: SetupLayout
    /// Takes the installer's lock, or throws when another installation runs.
    public var lock: @Sendable () throws -> (any Sendable)?

    /// Creates a host from its parts.
    public init(
        fileSystem: any FileSystem, runner: any ProcessRunning, environment: [String: String],
        reporter: SetupReporter, layout: SetupLayout = .standard,
        lock: @escaping @Sendable () throws -> (any Sendable)? = { nil }
    ) {
        self.fileSystem = fileSystem
        self.runner = runner
        self.environment = environment
        self.reporter = reporter
        self.layout = layout
        self.lock = lock
    }

    /// The directories searched for programs: PATH, then the usual system directories.
    public var searchPath: [String] {
        let path = (environment["PATH"] ?? "").split(separator: ":").map(String.init).filter { $0.hasPrefix("/") }
        return path + ["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/local/bin", "/usr/bin", "/bin"]
    }

    /// The absolute path of the executable `name` (like `command -v`), or `nil`.
    public func locate(_ name: String) -> String? {
        for directory in searchPath {
            let path = directory + "/" + name
            if let status = try? fileSystem.statusFollowingLinks(path), status.type == .regular,
                status.mode & 0o111 != 0
            {
                return path
            }
        }
        return nil
    }

    /// Runs the program `name` found in the search path with `arguments`; `nil` when the program is not there.
    @discardableResult
    public func run(_ name: String, _ arguments: [String], input: [UInt8]? = nil) throws -> ProcessResult? {
        guard let path = name.hasPrefix("/") ? name : locate(name) else { return nil }
        return try runner.run(Command(path, arguments, environment: environment, standardInput: input))
    }

    /// Runs `name` and says whether it exited with 0 (false when it is missing or cannot start).
    public func succeeds(_ name: String, _ arguments: [String]) -> Bool {
        (try? run(name, arguments))??.succeeded ?? false
    }

    /// The text of the file at `path`, or `nil` when it does not exist.
    public func readText(_ path: String) throws -> String? {
        try fileSystem.readFile(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether systemd manages this host: /run/systemd/system is a directory and systemctl is installed.
    public var systemdRunning: Bool {
        (try? fileSystem.status("/run/systemd/system"))??.type == .directory && locate("systemctl") != nil
    }

    /// Whether a process with one of `names` runs (pidof, else pgrep -x).
    public func processRunning(_ names: [String]) -> Bool {
        if locate("pidof") != nil { return succeeds("pidof", names) }
        return names.contains { succeeds("pgrep", ["-x", $0]) }
    }

    /// The user and group IDs of the local user `name` (getent passwd), or `nil`.
    public func user(_ name: String) -> (uid: UInt32, gid: UInt32)? {
        guard let result = try? run("getent", ["passwd", "--", name]), result.succeeded else { return nil }
        let fields = result.standardOutputText.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count >= 4, let uid = UInt32(fields[2]), let gid = UInt32(fields[3]) else { return nil }
        return (uid, gid)
    }

    /// The ID and members of the local group `name` (getent group), or `nil`.
    public func group(_ name: String) -> (gid: UInt32, members: [String])? {
        guard let result = try? run("getent", ["group", "--", name]), result.succeeded else { return nil }
        let line = result.standardOutputText.split(separator: "\n").first ?? ""
        let fields = line.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count >= 4, let gid = UInt32(fields[2]) else { return nil }
        return (gid, fields[3].split(separator: ",").map(String.init))
    }
}
