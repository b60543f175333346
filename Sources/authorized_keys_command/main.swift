import ArgumentParser
import AuthorizedKeys
import EC2SSHShared
import EC2SSHSystem
import Logging

#if canImport(Glibc)
    import Glibc
#endif

// First things first: a closed stdout must not kill us mid-write, and the whole run has one hard deadline, started
// here and passed down (5 s until the configuration is read, then KEY_COMMAND_TIMEOUT from this start); the
// watchdog (KeyCommand.Watchdog) guards it.
signal(SIGPIPE, SIG_IGN)
let deadline = KeyCommandWiring.startDeadline()
KeyCommand.Watchdog.arm(deadline)

/// Prints the SSH public keys of the IAM user behind a local account, for sshd's AuthorizedKeysCommand.
struct AuthorizedKeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authorized_keys_command",
        abstract: "Print a local user's active IAM SSH public keys (sshd AuthorizedKeysCommand).",
        discussion: """
            sshd runs it for every login attempt, with an empty environment, as AuthorizedKeysCommandUser:
              AuthorizedKeysCommand /usr/local/sbin/authorized_keys_command %u %f
              AuthorizedKeysCommandUser aws-ec2-ssh

            It prints each active SSH public key of the IAM user that USER maps back to (.plus. -> +, .equal. -> =, \
            .comma. -> ,, .at. -> @), validated and one per line, and nothing else on standard output. With \
            FINGERPRINT (%f, SHA256:...) only the matching key is printed when one matches.

            No keys are printed for root, UID 0, system accounts (UID below UID_MIN of /etc/login.defs), accounts \
            that import_users does not manage (STATE_DIR/managed-users.json, root-owned), accounts whose UID differs \
            from the one import_users recorded or that are not in LOCAL_MARKER_GROUP, expired temporary access, \
            users outside IAM_AUTHORIZED_GROUPS or users gone from IAM. With IAM_AUTHORIZED_GROUPS set, membership \
            is checked live at every login (one ListGroupsForUser call); with only IAM_AUTHORIZED_GROUPS_TAG the \
            index written by the last import_users run is trusted.

            Keys come fresh from IAM (ListSSHPublicKeys, then GetSSHPublicKey per active key, concurrently). With \
            KEY_CACHE_TTL > 0 cached keys younger than the TTL are printed without asking IAM (so a key or group \
            removal takes effect after at most the TTL; a key not in the cache still asks IAM). When IAM is \
            unreachable, throttled or too slow, cached keys younger than KEY_CACHE_STALE_MAX are printed (0 \
            disables). The whole run is limited to KEY_COMMAND_TIMEOUT seconds (default 5). With \
            CHAINED_AUTHORIZED_KEYS_COMMAND set, that command's valid keys are printed after ours.

            Files: the configuration file (--config; its AWS_* and proxy lines are applied as environment; it must \
            be owned by root or the running user and not group- or world-writable), STATE_DIR/managed-users.json (read), \
            KEY_CACHE_DIR (default /var/cache/aws-ec2-ssh, owned by the running user, mode 0700: user-NAME.json \
            key caches, assume-role-*.json and instance-role-*.json credentials, mode 0600), /etc/login.defs (UID_MIN).

            Logging: one audit line per run to syslog, facility authpriv, tag aws-ec2-ssh (also to standard error \
            on a terminal or with --verbose). Secrets and key bodies are never logged.

            Exit status: 0 whenever the arguments parse, whether keys were printed or not (sshd only reads \
            standard output; every reason is in the log); 64 for a usage error. A run about to reach \
            KEY_COMMAND_TIMEOUT (for example a DNS resolver that never answers) is ended by a watchdog shortly \
            before it, which prints what KEY_CACHE_STALE_MAX allows, logs the audit line and exits 0; SIGALRM at \
            the timeout itself is the last resort, with nothing printed.
            """,
        version: BuildInfo.versionLine(program: "authorized_keys_command")
    )

    @Option(help: "Path of the configuration file.")
    var config: String = KeyCommand.Arguments.defaultConfig

    @Flag(help: "Also log to standard error.")
    var verbose = false

    @Argument(help: "The local user name sshd asks about (%u).")
    var user: String

    @Argument(help: "The fingerprint of the key being tried (%f, for example SHA256:...).")
    var fingerprint: String?

    /// The parsed arguments.
    var arguments: KeyCommand.Arguments {
        KeyCommand.Arguments(config: config, user: user, fingerprint: fingerprint)
    }

    /// Runs the key command for `arguments` within `deadline` and prints the keys.
    static func serve(_ arguments: KeyCommand.Arguments, verbose: Bool, deadline: KeyCommand.Deadline) {
        let toStandardError = verbose || isatty(STDERR_FILENO) == 1
        LoggingSystem.bootstrap { label in
            SystemLogging.handler(label: label, facility: .authpriv, standardError: toStandardError)
        }
        let logger = Logger(label: "authorized_keys_command")
        let output = KeyCommandWiring.run(
            KeyCommand.Request(user: arguments.user, fingerprint: arguments.fingerprint), configPath: arguments.config,
            environment: ProcessEnvironment.current(), deadline: deadline, logger: logger)
        KeyCommand.Watchdog.disarm()
        try? Syscall.writeAll(Syscall.standardOutput, output)
    }
}

// sshd's plain `USER FINGERPRINT` (optionally after `--config PATH`) skips ArgumentParser, whose reflection-based
// parsing is a third of a cache hit's CPU time; it would parse these forms to the same values. Anything else
// (flags, --help, --version, usage errors) goes through ArgumentParser, which exits after help, version or an error.
if let arguments = KeyCommand.Arguments.plain(Array(CommandLine.arguments.dropFirst())) {
    AuthorizedKeysCommand.serve(arguments, verbose: false, deadline: deadline)
} else {
    let command = AuthorizedKeysCommand.parseOrExit()
    AuthorizedKeysCommand.serve(command.arguments, verbose: command.verbose, deadline: deadline)
}
