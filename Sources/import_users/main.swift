import ArgumentParser
import EC2SSHShared

#if canImport(Glibc)
    import Glibc
#endif

/// import_users: the import (the default subcommand), `check`, `setup` and `publish`; all behaviour lives in the ImportUsers module.
struct ImportUsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import_users",
        abstract: "Create, update and remove local accounts for IAM users (run from cron).",
        discussion: ImportCommand.discussion + """


            SUBCOMMANDS
            import (default)  the import described above: import_users [OPTIONS] is
                              import_users import [OPTIONS]; options --config PATH,
                              --dry-run, --json, --force, --verbose,
                              --adopt-legacy-accounts, --rebuild-state
                              (see import_users import --help)
            check             calls every AWS action this configuration needs once
                              and names the permissions that are missing
                              (see import_users check --help)
            setup             installs (setup install) or removes (setup uninstall)
                              aws-ec2-ssh on this host: what install.sh runs
                              (see import_users setup --help)
            publish           fleet mode: reads IAM once and publishes a
                              KMS-signed snapshot to S3 for every host
                              (see import_users publish --help)
            """,
        version: BuildInfo.versionLine(program: "import_users"),
        subcommands: [ImportCommand.self, CheckCommand.self, SetupCommand.self, PublishCommand.self],
        defaultSubcommand: ImportCommand.self)
}

// A closed stdout (a pipe whose reader went away) must not kill a run mid-way: writes fail with EPIPE instead.
signal(SIGPIPE, SIG_IGN)
ImportUsersCommand.main()
