public import EC2SSHCore
public import EC2SSHSystem

/// The configuration of one tool run: the parsed configuration file and the environment AWS calls see.
public struct ToolSettings: Sendable, Equatable {
    /// The path the configuration was read from.
    public var path: String
    /// The parsed configuration (all defaults when the file does not exist).
    public var configuration: Configuration
    /// Problems worth a log line that did not stop the run (unknown keys, deprecated keys, a missing file).
    public var warnings: [String]
    /// The process environment with the configuration file's AWS_* and proxy lines applied over it, as when the
    /// original tool sourced the file; sshd gives the key command an empty environment, so the file is what counts.
    public var environment: [String: String]

    /// Creates settings.
    public init(path: String, configuration: Configuration, warnings: [String], environment: [String: String]) {
        self.path = path
        self.configuration = configuration
        self.warnings = warnings
        self.environment = environment
    }

    /// Reads and parses the configuration file at `path` and merges its environment lines over `environment`.
    ///
    /// A missing file gives the defaults and a warning, unless it was named explicitly (`--config`), which
    /// throws; an unreadable or invalid file throws (an `EC2SSHError.invalidConfiguration` naming the line, or the
    /// `SystemError` of the read). With `trustedOwners`, an existing file must also be a regular file owned by one
    /// of them and not writable by its group or others (`FileTrust.problem`), or it is refused before it
    /// is read.
    public static func load(
        path: String, fileSystem: any FileSystem, environment: [String: String], explicit: Bool = false,
        trustedOwners: Set<UInt32>? = nil
    ) throws -> ToolSettings {
        if let trustedOwners, let status = try fileSystem.status(path),
            let problem = FileTrust.problem(with: status, type: .regular, allowedOwners: trustedOwners)
        {
            throw EC2SSHError.invalidConfiguration(
                path: path, line: nil,
                message: "not trusted: \(problem); it names programs that run as root (USERADD_PROGRAM, "
                    + "USERDEL_PROGRAM), so it must be a regular file that only root can change "
                    + "(chown root:root \(path); chmod go-w \(path))")
        }
        guard let bytes = try fileSystem.readFile(path) else {
            if explicit {
                throw EC2SSHError.invalidConfiguration(
                    path: path, line: nil,
                    message: "the configuration file named with --config does not exist; check the path, or leave "
                        + "--config out to use \(Configuration.defaultPath)")
            }
            return ToolSettings(
                path: path, configuration: Configuration(),
                warnings: ["\(path) does not exist; using the defaults (install.sh writes it)"],
                environment: environment)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw EC2SSHError.invalidConfiguration(
                path: path, line: nil, message: "the file is not valid UTF-8 text; save it as UTF-8")
        }
        let (configuration, warnings) = try Configuration.parse(text, path: path)
        return ToolSettings(
            path: path, configuration: configuration, warnings: warnings.map(\.description),
            environment: environment.merging(configuration.environment) { $1 })
    }
}
