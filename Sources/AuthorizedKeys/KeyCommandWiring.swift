import AWSCore
import EC2SSHCore
public import EC2SSHShared
public import EC2SSHSystem
public import Logging

/// The key command's live wiring: builds `KeyCommand` from the real host (configuration file, passwd,
/// /etc/login.defs, libcurl, syslog) and runs it; the executable only parses arguments, sets up logging, starts the
/// deadline and writes the result.
public enum KeyCommandWiring {
    /// Where UID_MIN is read from.
    public static let loginDefsPath = "/etc/login.defs"

    /// The run's one deadline, started now on the system clock with `KeyCommand.Deadline.startupLimit`: `main`
    /// calls this first thing and passes the value down.
    public static func startDeadline() -> KeyCommand.Deadline {
        KeyCommand.Deadline(time: SystemTimeSource())
    }

    /// Runs the key command for `request` within `deadline` and returns the bytes to print; never throws.
    ///
    /// `deadline` was started at process start (`KeyCommand.Deadline.startupLimit` guards the configuration
    /// read). The configuration file must be owned by root (or the running user) and not group- or world-writable,
    /// because its AWS_* lines choose where keys come from. After reading it the deadline's limit becomes
    /// KEY_COMMAND_TIMEOUT from the start and `KeyCommand.Watchdog` guards it; when the watchdog answers, this never
    /// returns (it ends the process).
    public static func run(
        _ request: KeyCommand.Request, configPath: String, environment: [String: String], deadline: KeyCommand.Deadline,
        logger: Logger
    ) -> [UInt8] {
        let fileSystem = PosixFileSystem()
        let uid = Syscall.effectiveUserID()
        let settings: ToolSettings
        do {
            if let status = try fileSystem.status(configPath),
                let problem = FileTrust.problem(with: status, type: .regular, allowedOwners: [0, uid])
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
        for warning in settings.warnings {
            logger.debug("\(warning)")
        }
        let command = makeCommand(
            settings: settings, accounts: SystemAccountDatabase(), fileSystem: fileSystem, uid: uid,
            deadline: deadline, sessionHost: Syscall.hostName(), logger: logger)
        if let fallback = command.fallback {
            KeyCommand.Watchdog.guardRun(command.deadline, fallback: fallback, logger: logger) { bytes in
                try? Syscall.writeAll(Syscall.standardOutput, bytes)
            }
        }
        let outcome = command.run(request)
        if outcome.preempted { KeyCommand.Watchdog.waitForExit() }
        return outcome.output
    }

    /// The key command for `settings` over the given host parts, with libcurl, retries and the deadline wired in.
    ///
    /// - Parameters:
    ///   - uid: the running user, who must own KEY_CACHE_DIR.
    ///   - deadline: the run's deadline, started at process start; the command gets it with its limit set to
    ///     KEY_COMMAND_TIMEOUT (`KeyCommand.Deadline.configured(timeout:)`).
    ///   - sessionHost: names the host in the assume-role session when IMDS has no instance id.
    public static func makeCommand(
        settings: ToolSettings, accounts: any AccountDatabase, fileSystem: any FileSystem, uid: UInt32,
        deadline: KeyCommand.Deadline, sessionHost: String, logger: Logger = Logger(label: "authorized_keys_command")
    ) -> KeyCommand {
        let configuration = settings.configuration
        let deadline = deadline.configured(timeout: configuration.keyCommandTimeout)
        let cache = openCache(configuration, fileSystem: fileSystem, uid: uid, logger: logger)
        let policy = KeyCachePolicy(
            ttl: Double(configuration.keyCacheTTL), staleMax: Double(configuration.keyCacheStaleMax))
        return KeyCommand(
            access: KeyCommand.Access(
                accounts: accounts, fileSystem: fileSystem, loginDefs: loginDefs(fileSystem),
                stateDirectory: configuration.stateDir, markerGroup: configuration.localMarkerGroup),
            cache: cache, policy: policy,
            makeFetcher: {
                try fetcher(
                    settings: settings, deadline: deadline, cache: cache, sessionHost: sessionHost, logger: logger)
            },
            chain: configuration.chainedAuthorizedKeysCommand.map {
                KeyCommand.Chain(
                    program: $0, arguments: configuration.chainedAuthorizedKeysCommandArgs,
                    runner: PosixProcessRunner(terminationGracePeriod: 0.2))
            },
            deadline: deadline, logger: logger, fallback: KeyCommand.Fallback(policy: policy),
            fleet: configuration.snapshotURL.map {
                fleetKeys(settings: settings, url: $0, fileSystem: fileSystem, deadline: deadline, logger: logger)
            })
    }

    /// The fleet reader's key source: the verified copies in KEY_CACHE_DIR and STATE_DIR, refreshed from S3
    /// through a client built only when a refresh is due (so a login within SNAPSHOT_REFRESH makes no call at all,
    /// not even to IMDS) and bounded by the login deadline.
    static func fleetKeys(
        settings: ToolSettings, url: FleetSnapshotURL, fileSystem: any FileSystem, deadline: KeyCommand.Deadline,
        logger: Logger
    ) -> KeyCommand.FleetKeys {
        let configuration = settings.configuration
        let (check, problem) = FleetReaderWiring.check(configuration, url: url, files: SystemFileReader())
        if let problem { logger.error("\(problem)") }
        let s3 = LazyS3 {
            let retry = KeyCommand.Retrier(deadline: deadline, random: SystemRandomSource()) { _ in }
            let clients = AWSClients(
                environment: settings.environment,
                transport: KeyCommand.DeadlineTransport(
                    inner: CurlTransport(environment: settings.environment), deadline: deadline),
                files: SystemFileReader(), time: deadline.time, retry: retry,
                timeouts: HTTPTimeouts(connect: 2, total: deadline.budget), assumeRoleARN: configuration.assumeRole,
                sessionHost: Syscall.hostName())
            return try clients.s3(expectedBucketOwner: configuration.snapshotBucketOwner)
        }
        let own = FleetSnapshotStore(
            path: configuration.keyCacheDir + "/" + FleetReaderWiring.fileName, owner: nil, fileSystem: fileSystem)
        return KeyCommand.FleetKeys(
            fetcher: FleetSnapshotFetcher(
                s3: s3, location: S3Location(bucket: url.bucket, key: url.key), check: check, store: own),
            importCopy: FleetSnapshotStore(
                path: configuration.stateDir + "/" + FleetReaderWiring.fileName, owner: nil, fileSystem: fileSystem),
            refresh: Double(configuration.snapshotRefresh), authorizedGroups: configuration.iamAuthorizedGroups)
    }

    private static func openCache(
        _ configuration: Configuration, fileSystem: any FileSystem, uid: UInt32, logger: Logger
    ) -> KeyCache? {
        let policy = KeyCachePolicy(
            ttl: Double(configuration.keyCacheTTL), staleMax: Double(configuration.keyCacheStaleMax))
        guard policy.usesCache || !configuration.assumeRole.isEmpty else { return nil }
        do {
            return try KeyCache.open(directory: configuration.keyCacheDir, fileSystem: fileSystem, uid: uid)
        } catch {
            logger.warning("key cache not used", metadata: ["error": .string("\(error)")])
            return nil
        }
    }

    /// The limits of /etc/login.defs, parsing only the lines that can set one.
    ///
    /// The file is mostly comments, and parsing all of it was a tenth of a cache hit's time; every limit's name
    /// (UID_MIN, UID_MAX, SYS_UID_MAX, GID_MIN, GID_MAX) contains "ID_", so dropping the other lines first gives the
    /// same `LoginDefs`.
    static func loginDefs(_ fileSystem: any FileSystem) -> LoginDefs {
        guard let bytes = try? fileSystem.readFile(loginDefsPath) else { return .defaults }
        return LoginDefs.parse(String(decoding: linesContainingID(bytes), as: UTF8.self))
    }

    /// The lines of `text` (with their line feeds) that contain the bytes "ID_", in order, in one pass.
    static func linesContainingID(_ text: [UInt8]) -> [UInt8] {
        text.withUnsafeBufferPointer { bytes in
            var kept: [UInt8] = []
            var lineStart = 0
            var keep = false
            for index in bytes.indices {
                switch bytes[index] {
                case UInt8(ascii: "\n"):
                    if keep {
                        kept.append(contentsOf: bytes[lineStart...index])
                    }
                    lineStart = index + 1
                    keep = false
                case UInt8(ascii: "_") where index - 2 >= lineStart:
                    keep = keep || (bytes[index - 2] == UInt8(ascii: "I") && bytes[index - 1] == UInt8(ascii: "D"))
                default:
                    break
                }
            }
            if keep {
                kept.append(contentsOf: bytes[lineStart...])
            }
            return kept
        }
    }

    private static func fetcher(
        settings: ToolSettings, deadline: KeyCommand.Deadline, cache: KeyCache?, sessionHost: String, logger: Logger
    ) throws -> SSHKeyFetcher {
        let role = settings.configuration.assumeRole
        let store =
            role.isEmpty
            ? nil
            : cache.map { cache in
                FileCredentialsStore(roleARN: role, cache: cache) { problem in logger.warning("\(problem)") }
            }
        let retry = KeyCommand.Retrier(deadline: deadline, random: SystemRandomSource()) { event in
            logger.debug(
                "retrying IAM call",
                metadata: [
                    "operation": .string(event.operation), "attempt": .string(String(event.attempt)),
                    "error_code": .string(KeyCommand.Audit.code(of: event.error)),
                ])
        }
        let clients = AWSClients(
            environment: settings.environment,
            transport: KeyCommand.DeadlineTransport(
                inner: CurlTransport(environment: settings.environment), deadline: deadline),
            files: SystemFileReader(), time: deadline.time, retry: retry,
            timeouts: HTTPTimeouts(connect: 2, total: deadline.budget), assumeRoleARN: role,
            sessionHost: sessionHost, credentialsStore: store,
            instanceRoleStore: instanceRoleStore(cache: cache, logger: logger))
        return SSHKeyFetcher(iam: try clients.iam(), authorizedGroups: settings.configuration.iamAuthorizedGroups)
    }

    /// The store of the instance role's credentials in the cache directory, given the IMDS endpoint; `nil` without a
    /// usable cache directory.
    private static func instanceRoleStore(
        cache: KeyCache?, logger: Logger
    ) -> (@Sendable (String) -> any CredentialsStore)? {
        guard let cache else { return nil }
        return { endpoint in
            FileCredentialsStore.instanceRole(imdsEndpoint: endpoint, cache: cache) { problem in
                logger.warning("\(problem)")
            }
        }
    }
}

/// An S3 reader built on the first read, so a key command that needs no refresh resolves no region and no
/// credentials.
struct LazyS3: S3ObjectReading {
    /// Builds the client.
    let make: @Sendable () throws -> S3Client

    /// Builds the client and reads.
    func getObject(_ location: S3Location, ifNoneMatch: String?) throws -> S3GetResult {
        try make().getObject(location, ifNoneMatch: ifNoneMatch)
    }
}
