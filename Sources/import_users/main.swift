import ArgumentParser

/// Synchronises IAM users into local UNIX accounts.
struct ImportUsers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import_users",
        abstract: "Create, update and remove local accounts for IAM users (run from cron)."
    )

    @Option(help: "Path of the configuration file.")
    var config: String = "/etc/aws-ec2-ssh.conf"

    func run() throws {
        throw CleanExit.message("import_users: not implemented yet")
    }
}

ImportUsers.main()
