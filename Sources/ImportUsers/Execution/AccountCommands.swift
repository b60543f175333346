public import EC2SSHCore
import EC2SSHShared
public import EC2SSHSystem

/// Builds the exact command lines import_users runs: absolute programs, argument arrays, `--` before names.
///
/// With a pre-assigned UID and `--user-group` (or `-U`) in USERADD_ARGS, the user's own group is created first
/// with `groupadd --gid N -- NAME`, and useradd gets `--uid N --gid N` instead of `--user-group`: useradd would
/// otherwise pick a different GID whenever N lies outside GID_MIN-GID_MAX of /etc/login.defs.
public struct AccountCommands: Sendable, Equatable {
    /// The fixed program paths.
    public var paths: HostPaths
    /// USERADD_PROGRAM.
    public var useraddProgram: String
    /// USERADD_ARGS, already split into words.
    public var useraddArguments: [String]
    /// USERDEL_PROGRAM.
    public var userdelProgram: String
    /// USERDEL_ARGS, already split into words.
    public var userdelArguments: [String]
    /// Seconds any one of these programs may run before it is stopped.
    public var timeout: Double

    /// Creates the builder.
    public init(
        paths: HostPaths, useraddProgram: String, useraddArguments: [String], userdelProgram: String,
        userdelArguments: [String], timeout: Double = 120
    ) {
        self.paths = paths
        self.useraddProgram = useraddProgram
        self.useraddArguments = useraddArguments
        self.userdelProgram = userdelProgram
        self.userdelArguments = userdelArguments
        self.timeout = timeout
    }

    /// The builder for `configuration`.
    public init(configuration: Configuration, paths: HostPaths) {
        self.init(
            paths: paths, useraddProgram: configuration.useraddProgram,
            useraddArguments: configuration.useraddArgs, userdelProgram: configuration.userdelProgram,
            userdelArguments: configuration.userdelArgs)
    }

    /// Whether USERADD_ARGS asks for a group named after the user.
    public var createsUserGroup: Bool {
        useraddArguments.contains("--user-group") || useraddArguments.contains("-U")
    }

    /// `groupadd -- NAME`, or `groupadd --gid N -- NAME` with a GID.
    public func groupadd(_ name: String, gid: UInt32? = nil) -> Command {
        let gidArguments = gid.map { ["--gid", String($0)] } ?? []
        return command(paths.groupadd, gidArguments + ["--", name])
    }

    /// The commands that create `name` in `groups` (the marker group first), with `uid` when pre-assigned.
    ///
    /// The groups are given to useradd itself, so an account never exists outside the marker group.
    public func createUser(_ name: String, uid: UInt32?, groups: [String]) -> [Command] {
        var arguments = useraddArguments
        var commands: [Command] = []
        if let uid {
            arguments += ["--uid", String(uid)]
            if createsUserGroup {
                arguments.removeAll { $0 == "--user-group" || $0 == "-U" }
                arguments += ["--gid", String(uid)]
                commands.append(groupadd(name, gid: uid))
            }
        }
        if !groups.isEmpty {
            arguments += ["--groups", groups.joined(separator: ",")]
        }
        commands.append(command(useraddProgram, arguments + ["--", name]))
        return commands
    }

    /// `usermod --append --groups G1,G2 -- NAME`: adds groups and keeps every other membership.
    public func addToGroups(_ name: String, groups: [String]) -> Command {
        command(paths.usermod, ["--append", "--groups", groups.joined(separator: ","), "--", name])
    }

    /// `gpasswd --delete NAME -- GROUP`: removes one membership.
    public func removeFromGroup(_ name: String, group: String) -> Command {
        command(paths.gpasswd, ["--delete", name, "--", group])
    }

    /// `usermod --lock --expiredate 1 -- NAME`: no password and no key login from now on.
    public func lock(_ name: String) -> Command {
        command(paths.usermod, ["--lock", "--expiredate", "1", "--", name])
    }

    /// `usermod --unlock --expiredate '' -- NAME`: undoes `lock`; the empty date clears the account expiry.
    public func unlock(_ name: String) -> Command {
        command(paths.usermod, ["--unlock", "--expiredate", "", "--", name])
    }

    /// USERDEL_PROGRAM USERDEL_ARGS -- NAME; without `removingHome`, USERDEL_ARGS lose `-r`/`--remove`.
    public func deleteUser(_ name: String, removingHome: Bool = true) -> Command {
        let arguments = removingHome ? userdelArguments : UserdelArguments.withoutHomeRemoval(userdelArguments)
        return command(userdelProgram, arguments + ["--", name])
    }

    /// `visudo -cf PATH`: checks the syntax of one sudoers file.
    public func checkSudoers(_ path: String) -> Command {
        command(paths.visudo, ["-cf", path])
    }

    private func command(_ program: String, _ arguments: [String]) -> Command {
        Command(program, arguments, timeout: timeout)
    }
}
