import ArgumentParser
import EC2SSHCore
import EC2SSHShared
import EC2SSHSystem
import ImportUsers
import Logging

/// `import_users check`: calls every AWS action the configuration needs once and names what is denied.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that AWS allows every action this configuration needs (changes nothing).",
        discussion: """
            Calls, once each, every IAM, STS and EC2 action that import_users and authorized_keys_command will \
            call with this configuration and these credentials: sts:AssumeRole (ASSUMEROLE), ec2:DescribeTags \
            (IAM_AUTHORIZED_GROUPS_TAG, SUDOERS_GROUPS_TAG), iam:ListUsers (empty IAM_AUTHORIZED_GROUPS) or \
            iam:GetGroup for each configured group, iam:ListUserTags (ACCESS_EXPIRY_TAG), iam:ListSSHPublicKeys \
            and iam:GetSSHPublicKey (every login), and iam:ListGroupsForUser (IAM_AUTHORIZED_GROUPS set: the key \
            command checks membership live at every login; the bash tool's policy did not grant it). Prints each \
            action as allowed, DENIED or error and, for every denied one, the IAM policy statement to add. Run it \
            before switching a host over; it needs no root and writes nothing.

            On a fleet reader (SNAPSHOT_URL set) it makes one real s3:GetObject of the snapshot object instead, \
            and no IAM call (a reader needs none); sts:AssumeRole and ec2:DescribeTags as above. What \
            import_users publish needs is not checked (see etc/iam/fleet-publisher-policy.json).

            EXIT STATUS
            \(CheckExitCode.helpText)
            """)

    @Option(help: "Path of the configuration file (default: \(Configuration.defaultPath)); it must exist when named.")
    var config: String?

    @Flag(help: "Print the result as JSON (format 1, see README) on standard output.")
    var json = false

    @Flag(help: "Also log informational and debug messages (each retry) to standard error.")
    var verbose = false

    func run() throws {
        let logger = CommandLogging.bootstrap(verbose: verbose)
        let settings: ToolSettings
        do {
            settings = try ToolSettings.load(
                path: config ?? Configuration.defaultPath, fileSystem: PosixFileSystem(),
                environment: ProcessEnvironment.current(), explicit: config != nil, trustedOwners: [0])
        } catch {
            logger.error("cannot use the configuration: \(error)")
            throw ExitCode(CheckExitCode.configuration.rawValue)
        }
        for warning in settings.warnings { logger.warning("\(warning)") }
        let report = ImportWiring.check(settings: settings, logger: logger).run()
        try? Syscall.writeAll(Syscall.standardOutput, Array((json ? report.json().text() : report.renderText()).utf8))
        switch report.verdict {
        case .allowed: logger.info("\(report.summaryLine)")
        case .denied: logger.error("\(report.summaryLine)")
        case .incomplete: logger.warning("\(report.summaryLine)")
        }
        let code = CheckExitCode(report.verdict)
        if code != .ok { throw ExitCode(code.rawValue) }
    }
}
