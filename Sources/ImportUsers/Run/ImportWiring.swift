import AWSCore
import EC2SSHCore
public import EC2SSHShared
import EC2SSHSystem
public import Logging

/// Builds import_users from the real host: the one place that picks the live implementation of each dependency.
public enum ImportWiring {
    /// The run of `settings` with `options` on the real host and AWS; `showsProgress` (standard error is a
    /// terminal, as the executable read it) shows the progress of account creations there.
    public static func run(settings: ToolSettings, options: ImportOptions, logger: Logger, showsProgress: Bool = false)
        -> ImportRun
    {
        var dependencies = dependencies(settings: settings, logger: logger)
        if showsProgress { dependencies.progressConsole = StandardConsole() }
        return ImportRun(settings: settings, options: options, dependencies: dependencies, logger: logger)
    }

    /// The real host and AWS for `settings`: libcurl with retries (each retry logged), the passwd database,
    /// posix_spawn, /proc, flock, standard output and the key snapshot into KEY_CACHE_DIR.
    public static func dependencies(settings: ToolSettings, logger: Logger) -> ImportDependencies {
        let time = SystemTimeSource()
        let clients = liveClients(settings: settings, logger: logger, time: time)
        let configuration = settings.configuration
        let fileSystem = PosixFileSystem()
        // A fleet reader never builds an IAM client (AWSClientsReader builds one only for an IAM read, and the
        // snapshot answers those) and keeps no key snapshot: the key command reads the fleet snapshot.
        let fleet = configuration.snapshotURL.map { url in
            fleetFetcher(configuration, url: url, clients: clients, fileSystem: fileSystem, logger: logger)
        }
        let snapshot =
            fleet != nil
            ? nil
            : KeyCacheSnapshot(
                directory: configuration.keyCacheDir, fileSystem: fileSystem,
                loginDefsPath: HostPaths.standard.loginDefs,
                managedUIDRange: configuration.uidSource == .iamUserID ? configuration.uidRange : nil,
                makeIAM: { try clients.iam() }, logger: logger)
        return ImportDependencies(
            fileSystem: fileSystem, runner: PosixProcessRunner(), accounts: SystemAccountDatabase(),
            processes: ProcProcessControl(), time: time, aws: AWSClientsReader(clients: clients),
            lock: { path in
                let lock = try FileLock.acquire(path: path)
                return { lock.release() }
            },
            output: { text in try? Syscall.writeAll(Syscall.standardOutput, Array(text.utf8)) }, keySnapshot: snapshot,
            effectiveUID: Syscall.effectiveUserID(), fleet: fleet, accountFiles: AccountFilesStore())
    }

    /// The snapshot refresh of a fleet reader, storing into STATE_DIR (root); a client that cannot be built (no
    /// region) fails at the fetch, so the run falls back to the verified copy like for any S3 failure.
    static func fleetFetcher(
        _ configuration: Configuration, url: FleetSnapshotURL, clients: AWSClients, fileSystem: any FileSystem,
        logger: Logger
    ) -> FleetSnapshotFetcher {
        let (check, problem) = FleetReaderWiring.check(configuration, url: url, files: SystemFileReader())
        if let problem { logger.error("\(problem)") }
        let store = FleetSnapshotStore(
            path: configuration.stateDir + "/" + FleetReaderWiring.fileName, owner: .root, fileSystem: fileSystem)
        let s3: any S3ObjectReading
        do {
            s3 = try clients.s3(expectedBucketOwner: configuration.snapshotBucketOwner)
        } catch {
            s3 = UnavailableS3(error: error)
        }
        return FleetSnapshotFetcher(
            s3: s3, location: S3Location(bucket: url.bucket, key: url.key), check: check, store: store)
    }

    /// `import_users check` of `settings` against the real AWS, over the same clients an import uses.
    public static func check(settings: ToolSettings, logger: Logger) -> PermissionCheck {
        let clients = liveClients(settings: settings, logger: logger, time: SystemTimeSource())
        return PermissionCheck(configuration: settings.configuration, probe: AWSPermissionProbe(clients: clients))
    }

    /// The real AWS clients for `settings`: libcurl, the standard credentials chain, ASSUMEROLE, and retries (each
    /// retry logged as a notice).
    static func liveClients(settings: ToolSettings, logger: Logger, time: any TimeSource) -> AWSClients {
        // A retry is routine (the final failure, if any, is logged as an error once), so it is a notice: in
        // syslog, and on standard error only from a terminal or with --verbose, never in a cron mail of its own.
        let retry = Retrier(time: time, random: SystemRandomSource()) { event in
            logger.notice(
                "\(event.operation) failed (attempt \(event.attempt)): \(event.error); retrying in \(milliseconds(event.delay))"
            )
        }
        return AWSClients(
            environment: settings.environment, transport: CurlTransport(environment: settings.environment),
            files: SystemFileReader(), time: time, retry: retry,
            assumeRoleARN: settings.configuration.assumeRole, sessionHost: Syscall.hostName())
    }

    /// `seconds` as whole milliseconds for a log line, for example "46 ms".
    static func milliseconds(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "\(seconds) s" }
        return "\(Int((max(0, seconds) * 1000).rounded())) ms"
    }
}

/// An S3 reader that could not be built: every read throws the construction error.
struct UnavailableS3: S3ObjectReading {
    /// Why there is no client.
    let error: any Error

    /// Throws `error`.
    func getObject(_ location: S3Location, ifNoneMatch: String?) throws -> S3GetResult {
        throw error
    }
}
