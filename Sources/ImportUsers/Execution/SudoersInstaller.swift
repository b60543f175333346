import EC2SSHShared
public import EC2SSHSystem

/// Installs and removes our files in /etc/sudoers.d; nothing is installed that `visudo -cf` rejects.
///
/// The content is first written to a check file in STATE_DIR (root, 0440), checked with `visudo -cf`, and only
/// then written atomically into the sudoers directory (root, 0440); the check file is always removed. Several
/// files are checked with one visudo run over their concatenation (`checkTogether`): visudo takes one `-f` only
/// (sudo 1.9 uses the last one given), and each file is a header comment plus one user specification line that
/// cannot be continued onto the next, so the concatenation parses exactly when every file does.
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

    /// The check file of the batch check; its dot keeps it apart from every per-file check name (file names of
    /// ours never contain a dot).
    public var batchCheckPath: String {
        checkDirectory + "/sudoers-check.batch"
    }

    /// Checks `content` with visudo (unless `checked`: it passed `checkTogether` already), then installs it as
    /// `name`; throws `ExecutionError` when visudo refuses it.
    public func install(name: String, content: String, checked: Bool = false) throws {
        let bytes = Array(content.utf8)
        if !checked {
            try check(bytes, at: checkDirectory + "/sudoers-check-" + name)
        }
        try fileSystem.writeFileAtomically(path(of: name), contents: bytes, mode: 0o440, owner: .root)
    }

    /// Checks `contents` (each one file, ending with a newline) with one `visudo -cf` run over their
    /// concatenation; returns `nil` when visudo accepts them all, else why not (the caller then checks each file on
    /// its own, so that only the bad one fails).
    public func checkTogether(_ contents: [String]) -> String? {
        do {
            let joined = contents.map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined()
            try check(Array(joined.utf8), at: batchCheckPath)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Writes `bytes` to the check file `checkPath`, runs `visudo -cf` on it and removes it.
    private func check(_ bytes: [UInt8], at checkPath: String) throws {
        defer { try? fileSystem.removeFile(checkPath) }
        try fileSystem.writeFileAtomically(checkPath, contents: bytes, mode: 0o440, owner: .root)
        let check = commands.checkSudoers(checkPath)
        let result = try runner.run(check)
        guard result.succeeded else {
            throw ExecutionError.commandFailed(command: check, result: result)
        }
    }

    /// Removes file `name` from the sudoers directory; a missing file is fine.
    public func remove(name: String) throws {
        try fileSystem.removeFile(path(of: name))
    }
}
