import AWSCore
import EC2SSHCore
public import EC2SSHShared
import EC2SSHSystem
public import Logging

/// Builds `import_users publish` from the real host: libcurl, the credentials chain (ASSUMEROLE, when set, for
/// IAM, S3 and KMS alike), retries, libcrypto, STATE_DIR/publisher and a `flock` lock.
public enum PublishWiring {
    /// The publish of `settings` (the configuration file) with `options`.
    public static func run(settings: ToolSettings, options: PublishOptions, logger: Logger) throws(PublishError)
        -> PublishRun
    {
        let publisher = try PublisherSettings(configuration: settings.configuration)
        let clients = liveClients(settings: settings, logger: logger)
        let dependencies = PublishDependencies(
            fileSystem: PosixFileSystem(), time: SystemTimeSource(),
            iam: try make("IAM") { try clients.iam() },
            s3Reader: try make("S3") { try clients.s3(expectedBucketOwner: publisher.bucketOwner ?? "") },
            s3Writer: try make("S3") { try clients.s3(expectedBucketOwner: publisher.bucketOwner ?? "") },
            kms: try make("KMS") { try clients.kms() },
            makeVerifier: { der in try ECDSAP256PublicKey(der: der) },
            lock: { path in
                let lock = try FileLock.acquire(path: path)
                return { lock.release() }
            },
            output: { text in try? Syscall.writeAll(Syscall.standardOutput, Array(text.utf8)) },
            uid: Syscall.effectiveUserID())
        return PublishRun(settings: publisher, options: options, dependencies: dependencies, logger: logger)
    }

    /// The PEM public key of SNAPSHOT_KMS_KEY_ID (`kms:GetPublicKey`), checked to be an ECDSA P-256 key.
    public static func publicKeyPEM(settings: ToolSettings, logger: Logger) throws(PublishError) -> String {
        let keyID = settings.configuration.snapshotKMSKeyID
        guard !keyID.isEmpty else {
            throw .configuration(detail: "SNAPSHOT_KMS_KEY_ID is not set; set it to the KMS key that signs snapshots")
        }
        let kms = try make("KMS") { try liveClients(settings: settings, logger: logger).kms() }
        return try PublicKeyExport(kms: kms, makeVerifier: { try ECDSAP256PublicKey(der: $0) }).pem(keyID: keyID)
    }

    /// The real clients; each retry is logged as a notice (the final failure, if any, is one error line).
    static func liveClients(settings: ToolSettings, logger: Logger) -> AWSClients {
        let time = SystemTimeSource()
        let retry = Retrier(time: time, random: SystemRandomSource()) { event in
            logger.notice("\(event.operation) failed (attempt \(event.attempt)): \(event.error); retrying")
        }
        return AWSClients(
            environment: settings.environment, transport: CurlTransport(environment: settings.environment),
            files: SystemFileReader(), time: time, retry: retry, assumeRoleARN: settings.configuration.assumeRole,
            sessionHost: Syscall.hostName())
    }

    /// A client from `body`; a failure (no region, a bad endpoint) is a configuration error naming `service`.
    private static func make<Client>(_ service: String, _ body: () throws -> Client) throws(PublishError) -> Client {
        do {
            return try body()
        } catch {
            throw .configuration(
                detail: "cannot set up the \(service) client: \(error); set AWS_REGION (and the endpoint, if any) in "
                    + "the configuration or the environment")
        }
    }
}
