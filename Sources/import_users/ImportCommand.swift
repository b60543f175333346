import ArgumentParser
import EC2SSHCore
import EC2SSHShared
import EC2SSHSystem
import ImportUsers
import Logging

/// The import: synchronises IAM users into local UNIX accounts (ImportUsers.ImportRun); the default subcommand.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Create, update and remove local accounts for IAM users (the default; run from cron).",
        discussion: discussion)

    /// What the import does, its exit statuses and files; also the top of `import_users --help`.
    static let discussion = """
        Reads the configuration file (parsed, never executed; refused with exit status 2 unless it is a \
        regular file owned by root that only root can write), reads IAM, and makes the local accounts match: \
        creates accounts (in LOCAL_MARKER_GROUP and LOCAL_GROUPS), grants and revokes sudo with one file per \
        user in /etc/sudoers.d, and deletes only accounts it created itself. An account whose IAM user lost \
        access is locked, loses sudo and leaves the key command's index at once, and is unlocked if the user \
        comes back; only its deletion waits for DELETE_AFTER_MISSING_RUNS and MAX_DELETE_PERCENT. Must run as \
        root. A run whose inputs (IAM's answer, the configuration, the program, the account, sudoers and state \
        files) are those of the last clean run that changed nothing stops after reading IAM (on a fleet reader: \
        after refreshing and checking the snapshot) (SKIP_UNCHANGED_RUNS=1, the default).

        Logs to syslog (facility auth, tag aws-ec2-ssh). Warnings and errors also go to standard error \
        always (so cron mails them and systemd's journal keeps them); informational messages go to standard \
        error only from a terminal or with --verbose. Each failure is one line: what went wrong and what to do.

        EXIT STATUS
        \(ImportExitCode.helpText)

        FILES
        /etc/aws-ec2-ssh.conf         configuration (--config PATH)
        STATE_DIR/state.json          accounts import_users created
                                      (STATE_DIR: /var/lib/aws-ec2-ssh)
        STATE_DIR/managed-users.json  managed accounts, for the key command
        STATE_DIR/import_users.lock   held while a run is in progress
        STATE_DIR/last-run.json       status of the last run (not --dry-run)
        STATE_DIR/unchanged-run.json  digest of the inputs of the last clean
                                      run that changed nothing
        STATE_DIR/adopt-legacy-accounts.pending
                                      adoption of the bash tool's accounts
                                      requested, until a run exits 0
        STATE_DIR/account-batch.json  ACCOUNT_BACKEND=batch: the new accounts
                                      being written; after a kill, the next
                                      run takes back what it left
        METRICS_FILE                  the same in Prometheus text format, if set
        /etc/sudoers.d/aws-ec2-ssh-*  sudo rules of managed accounts
        """

    @Option(help: "Path of the configuration file (default: \(Configuration.defaultPath)); it must exist when named.")
    var config: String?

    @Flag(help: "Print the plan and change nothing.")
    var dryRun = false

    @Flag(
        help: "Print the plan (with --dry-run) or what the run did as JSON (format 1, see README) on standard output.")
    var json = false

    @Flag(help: "Delete accounts even when more than MAX_DELETE_PERCENT of them would go in one run.")
    var force = false

    @Flag(help: "Also log informational and debug messages to standard error.")
    var verbose = false

    @Flag(
        help: """
            Take over accounts made by the bash aws-ec2-ssh (in the marker group, named like IAM users). Recorded in \
            STATE_DIR/adopt-legacy-accounts.pending first: later runs adopt too, until one exits 0.
            """)
    var adoptLegacyAccounts = false

    @Flag(
        help: """
            Rebuild a lost STATE_DIR/state.json from the marker group and managed-users.json (adopting the \
            marker members named like authorized IAM users); refused when state.json exists. Use with \
            --dry-run first.
            """)
    var rebuildState = false

    func run() throws {
        let toStderr = verbose || Terminal.isInteractive
        let level: Logger.Level = verbose ? .debug : .info
        LoggingSystem.bootstrap { label in
            SystemLogging.handler(
                label: label, facility: .auth, standardError: toStderr, level: level, quietStandardErrorLevel: .warning)
        }
        let logger = Logger(label: "import_users")
        let environment = ProcessEnvironment.current()
        let settings: ToolSettings
        do {
            settings = try ToolSettings.load(
                path: config ?? Configuration.defaultPath, fileSystem: PosixFileSystem(), environment: environment,
                explicit: config != nil, trustedOwners: [0])
        } catch {
            logger.error("cannot use the configuration: \(error); nothing was changed")
            throw ExitCode(ImportExitCode.configuration.rawValue)
        }
        let options = ImportOptions(
            dryRun: dryRun, json: json, force: force, adoptLegacyAccounts: adoptLegacyAccounts,
            rebuildState: rebuildState)
        let outcome = ImportWiring.run(
            settings: settings, options: options, logger: logger, showsProgress: Terminal.isInteractive
        ).run()
        if outcome.exitCode != .ok { throw ExitCode(outcome.exitCode.rawValue) }
    }
}
