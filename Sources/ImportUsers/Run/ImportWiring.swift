import AWSCore
import EC2SSHCore
public import EC2SSHShared
import EC2SSHSystem
public import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Builds import_users from the real host: the one place that picks the live implementation of each dependency.
public enum ImportWiring {
    /// The run of `settings` with `options` on the real host and AWS.
    public static func run(settings: ToolSettings, options: ImportOptions, logger: Logger) -> ImportRun {
        ImportRun(
            settings: settings, options: options, dependencies: dependencies(settings: settings, logger: logger),
            logger: logger)
    }

    /// The real host and AWS for `settings`: libcurl with retries (each retry logged), the passwd database,
    /// posix_spawn, /proc, flock, standard output and the key snapshot into KEY_CACHE_DIR.
    public static func dependencies(settings: ToolSettings, logger: Logger) -> ImportDependencies {
        let time = SystemTimeSource()
        // A retry is routine (the final failure, if any, is logged as an error once), so it is a notice: in
        // syslog, and on standard error only from a terminal or with --verbose, never in a cron mail of its own.
        let retry = Retrier(time: time, random: SystemRandomSource()) { event in
            logger.notice(
                "\(event.operation) failed (attempt \(event.attempt)): \(event.error); retrying in \(milliseconds(event.delay))"
            )
        }
        let clients = AWSClients(
            environment: settings.environment, transport: CurlTransport(environment: settings.environment),
            files: SystemFileReader(), time: time, retry: retry,
            assumeRoleARN: settings.configuration.assumeRole, sessionHost: hostName())
        let configuration = settings.configuration
        let fileSystem = PosixFileSystem()
        let snapshot = KeyCacheSnapshot(
            directory: configuration.keyCacheDir, fileSystem: fileSystem, loginDefsPath: HostPaths.standard.loginDefs,
            managedUIDRange: configuration.uidSource == .iamUserID ? configuration.uidRange : nil,
            makeIAM: { try clients.iam() }, logger: logger)
        return ImportDependencies(
            fileSystem: fileSystem, runner: PosixProcessRunner(), accounts: SystemAccountDatabase(),
            processes: ProcProcessControl(), time: time, aws: AWSClientsReader(clients: clients),
            lock: { path in
                let lock = try FileLock.acquire(path: path)
                return { lock.release() }
            },
            output: { text in writeAll(1, text) }, keySnapshot: snapshot, effectiveUID: geteuid())
    }

    /// Writes all of `text` to descriptor `fd`, retrying short writes and EINTR; gives up on other errors.
    public static func writeAll(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// `seconds` as whole milliseconds for a log line, for example "46 ms".
    static func milliseconds(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "\(seconds) s" }
        return "\(Int((max(0, seconds) * 1000).rounded())) ms"
    }

    /// This host's name, for the AssumeRole session name when instance metadata has no instance id.
    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown-host" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
