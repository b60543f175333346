import EC2SSHShared
public import EC2SSHSystem

/// Installs and removes our files in /etc/sudoers.d; nothing is installed that `visudo -cf` rejects.
///
/// The content is first written to a check file in STATE_DIR (root, 0440), checked with `visudo -cf`, and only
/// then written atomically into the sudoers directory (root, 0440); the check file is always removed.
public struct SudoersInstaller: Sendable {
    private let fileSystem: any FileSystem
    private let runner: any ProcessRunning
    private let commands: AccountCommands
    private let checkDirectory: String

    /// Creates an installer that checks files in `checkDirectory` (STATE_DIR: root-owned, not read by sudo).
    public init(
        fileSystem: any FileSystem, runner: any ProcessRunning, commands: AccountCommands, checkDirectory: String
    ) {
        self.fileSystem = fileSystem
        self.runner = runner
        self.commands = commands
        self.checkDirectory = checkDirectory
    }

    /// The path of file `name` in the sudoers directory.
    public func path(of name: String) -> String {
        commands.paths.sudoersDirectory + "/" + name
    }

    /// Checks `content` with visudo, then installs it as `name`; throws `ExecutionError` when visudo refuses it.
    public func install(name: String, content: String) throws {
        let checkPath = checkDirectory + "/sudoers-check-" + name
        let bytes = Array(content.utf8)
        defer { try? fileSystem.removeFile(checkPath) }
        try fileSystem.writeFileAtomically(checkPath, contents: bytes, mode: 0o440, owner: .root)
        let check = commands.checkSudoers(checkPath)
        let result = try runner.run(check)
        guard result.succeeded else {
            throw ExecutionError.commandFailed(command: check, result: result)
        }
        try fileSystem.writeFileAtomically(path(of: name), contents: bytes, mode: 0o440, owner: .root)
    }

    /// Removes file `name` from the sudoers directory; a missing file is fine.
    public func remove(name: String) throws {
        try fileSystem.removeFile(path(of: name))
    }
}
