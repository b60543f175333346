import ArgumentParser
import EC2SSHCore
import EC2SSHShared
import EC2SSHSystem
import FleetPublisher
import Logging

/// `import_users publish`: the fleet publisher (FleetPublisher.PublishRun); all behaviour lives in the library.
struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Fleet mode: read IAM once and publish a KMS-signed snapshot to S3 for every host (run from cron).",
        discussion: """
            Reads IAM completely (ListUsers, ListGroups and GetGroup, ListSSHPublicKeys per user, GetSSHPublicKey \
            only for key ids not seen before, ListUserTags per user only when SNAPSHOT_TAGS or ACCESS_EXPIRY_TAG \
            names tags), builds the snapshot, and compares it with the object at SNAPSHOT_URL (a conditional GET). \
            When the users or groups changed, or the object was signed SNAPSHOT_RESIGN_INTERVAL or longer ago, it \
            signs the snapshot's manifest with SNAPSHOT_KMS_KEY_ID (ECDSA_SHA_256) and puts snapshot, manifest and \
            signature in ONE PutObject, with the next serial. Any failed or incomplete IAM read publishes nothing. \
            Does not need root: STATE_DIR/publisher must belong to the user running it.

            EXIT STATUS
            \(PublishExitCode.helpText)

            FILES
            STATE_DIR/publisher/state.json       last published serial, digest, ETag
            STATE_DIR/publisher/key-bodies.json  SSH key bodies by key id
            STATE_DIR/publisher/publish.lock     held while a publish runs
            """)

    @Option(help: "Path of the configuration file (default: \(Configuration.defaultPath)); it must exist when named.")
    var config: String?

    @Flag(help: "Read IAM and S3 and print what would be published (serial, counts, digest); sign and put nothing.")
    var dryRun = false

    @Flag(
        help: """
            Print the public key of SNAPSHOT_KMS_KEY_ID (kms:GetPublicKey) as PEM on standard output, to pin on \
            every reader as SNAPSHOT_PUBLIC_KEY; publishes nothing.
            """)
    var printPublicKey = false

    @Flag(help: "Also log informational and debug messages (each retry) to standard error.")
    var verbose = false

    func run() throws {
        let logger = CommandLogging.bootstrap(verbose: verbose)
        let settings: ToolSettings
        do {
            settings = try ToolSettings.load(
                path: config ?? Configuration.defaultPath, fileSystem: PosixFileSystem(),
                environment: ProcessEnvironment.current(), explicit: config != nil,
                trustedOwners: [0, Syscall.effectiveUserID()])
        } catch {
            logger.error("cannot use the configuration: \(error); nothing was published")
            throw ExitCode(PublishExitCode.configuration.rawValue)
        }
        for warning in settings.warnings { logger.warning("\(warning)") }
        do {
            if printPublicKey {
                let pem = try PublishWiring.publicKeyPEM(settings: settings, logger: logger)
                try? Syscall.writeAll(Syscall.standardOutput, Array(pem.utf8))
                return
            }
            _ = try PublishWiring.run(settings: settings, options: PublishOptions(dryRun: dryRun), logger: logger).run()
        } catch {
            logger.error("publish: \(error)")
            throw ExitCode(error.exitCode.rawValue)
        }
    }
}
