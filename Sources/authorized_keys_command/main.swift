import ArgumentParser

/// Prints the SSH public keys of the IAM user behind a local account, for sshd's AuthorizedKeysCommand.
struct AuthorizedKeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authorized_keys_command",
        abstract: "Print a local user's active IAM SSH public keys (sshd AuthorizedKeysCommand)."
    )

    @Option(help: "Path of the configuration file.")
    var config: String = "/etc/aws-ec2-ssh.conf"

    @Argument(help: "The local user name sshd asks about (%u).")
    var user: String

    func run() throws {
        throw CleanExit.message("authorized_keys_command: not implemented yet")
    }
}

AuthorizedKeysCommand.main()
