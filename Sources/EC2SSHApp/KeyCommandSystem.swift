import AWSCore
import EC2SSH
import EC2SSHSystem
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Builds `KeyCommand` from the real host (configuration file, passwd, /etc/login.defs, libcurl, syslog) and
/// runs it; the executable only parses arguments, sets up logging and writes the result.
public enum KeyCommandSystem {
    /// Where UID_MIN is read from.
    public static let loginDefsPath = "/etc/login.defs"

    /// Runs the key command for `request` and returns the bytes to print; never throws.
    ///
    /// The configuration file must be owned by root (or the running user) and not group- or world-writable,
    /// because its AWS_* lines choose where keys come from. After reading it the process alarm is re-armed to
    /// KEY_COMMAND_TIMEOUT.
    public static func run(
        _ request: KeyCommand.Request, configPath: String, environment: [String: String], logger: Logger
    ) -> [UInt8] {
        let time = SystemTimeSource()
        let start = time.monotonicSeconds()
        let fileSystem = PosixFileSystem()
        let uid = geteuid()
        let settings: ToolSettings
        do {
            if let status = try fileSystem.status(configPath),
                let problem = KeyCommandFileTrust.problem(with: status, type: .regular, allowedOwners: [0, uid])
            {
                logger.error(
                    "configuration file not trusted; no keys served",
                    metadata: ["user": .string(request.user), "path": .string(configPath), "problem": .string(problem)])
                return []
            }
            settings = try ToolSettings.load(path: configPath, fileSystem: fileSystem, environment: environment)
        } catch {
            logger.error(
                "configuration unusable; no keys served",
                metadata: ["user": .string(request.user), "error": .string("\(error)")])
            return []
        }
        let configuration = settings.configuration
        alarm(UInt32(configuration.keyCommandTimeout))
        for warning in settings.warnings {
            logger.debug("\(warning)")
        }
        let deadline = KeyCommandDeadline(
            time: time, budget: KeyCommandDeadline.budget(forTimeout: configuration.keyCommandTimeout), start: start)
        let cache = openCache(configuration, fileSystem: fileSystem, uid: uid, user: request.user, logger: logger)
        let command = KeyCommand(
            access: KeyCommandAccess(
                accounts: SystemAccountDatabase(), fileSystem: fileSystem, loginDefs: loginDefs(fileSystem),
                stateDirectory: configuration.stateDir),
            cache: cache,
            policy: KeyCachePolicy(
                ttl: Double(configuration.keyCacheTTL), staleMax: Double(configuration.keyCacheStaleMax)),
            makeFetcher: {
                try fetcher(settings: settings, deadline: deadline, cache: cache, logger: logger)
            },
            chain: configuration.chainedAuthorizedKeysCommand.map {
                KeyCommandChain(
                    program: $0, arguments: configuration.chainedAuthorizedKeysCommandArgs,
                    runner: PosixProcessRunner(terminationGracePeriod: 0.2))
            },
            deadline: deadline, hardTimeout: Double(configuration.keyCommandTimeout), logger: logger)
        return command.run(request).output
    }

    /// Writes all of `bytes` to standard output; a closed pipe (sshd gave up) is ignored.
    public static func writeStandardOutput(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    private static func openCache(
        _ configuration: Configuration, fileSystem: any FileSystem, uid: UInt32, user: String, logger: Logger
    ) -> KeyCache? {
        let policy = KeyCachePolicy(
            ttl: Double(configuration.keyCacheTTL), staleMax: Double(configuration.keyCacheStaleMax))
        guard policy.usesCache || !configuration.assumeRole.isEmpty else { return nil }
        do {
            return try KeyCache.open(directory: configuration.keyCacheDir, fileSystem: fileSystem, uid: uid)
        } catch {
            logger.warning(
                "key cache not used", metadata: ["user": .string(user), "error": .string("\(error)")])
            return nil
        }
    }

    private static func loginDefs(_ fileSystem: any FileSystem) -> LoginDefs {
        guard let bytes = try? fileSystem.readFile(loginDefsPath) else { return .defaults }
        return LoginDefs.parse(String(decoding: bytes, as: UTF8.self))
    }

    private static func fetcher(
        settings: ToolSettings, deadline: KeyCommandDeadline, cache: KeyCache?, logger: Logger
    ) throws -> KeyCommandFetcher {
        let role = settings.configuration.assumeRole
        let store =
            role.isEmpty
            ? nil
            : cache.map { cache in
                FileCredentialsStore(roleARN: role, cache: cache) { problem in logger.warning("\(problem)") }
            }
        let retry = KeyCommandRetrier(deadline: deadline, random: SystemRandomSource()) { event in
            logger.debug(
                "retrying IAM call",
                metadata: [
                    "operation": .string(event.operation), "attempt": .string(String(event.attempt)),
                    "error_code": .string(KeyCommandAudit.code(of: event.error)),
                ])
        }
        let clients = AWSClients(
            environment: settings.environment,
            transport: KeyCommandDeadlineTransport(
                inner: CurlTransport(environment: settings.environment), deadline: deadline),
            files: SystemFileReader(), time: deadline.time, retry: retry,
            timeouts: HTTPTimeouts(connect: 2, total: deadline.budget), assumeRoleARN: role,
            sessionHost: hostName(), credentialsStore: store)
        return KeyCommandFetcher(iam: try clients.iam(), authorizedGroups: settings.configuration.iamAuthorizedGroups)
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown-host" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
