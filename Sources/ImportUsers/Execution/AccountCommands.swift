public import EC2SSHCore
import EC2SSHShared
public import EC2SSHSystem

/// Builds the exact command lines import_users runs: absolute programs, argument arrays, `--` before names.
///
/// A new account is one useradd process. With a pre-assigned UID N and `--user-group` (or `-U`) in USERADD_ARGS,
/// useradd also gets `-K GID_MIN=N -K GID_MAX=N`: it then creates the user's own group with GID N or fails when
/// N is taken, instead of silently picking another GID whenever N lies outside GID_MIN-GID_MAX of
/// /etc/login.defs.
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
    /// SUBORDINATE_IDS: whether useradd may allocate /etc/subuid and /etc/subgid ranges (see `createUser`).
    public var subordinateIDs: Bool
    /// ACCOUNT_BACKEND.
    public var accountBackend = AccountBackend.useradd

    /// The useradd options that stop it from allocating subordinate UID and GID ranges.
    public static let noSubordinateIDs = ["-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0"]

    /// Creates the builder.
    public init(
        paths: HostPaths, useraddProgram: String, useraddArguments: [String], userdelProgram: String,
        userdelArguments: [String], timeout: Double = 120, subordinateIDs: Bool = true
    ) {
        self.subordinateIDs = subordinateIDs
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
            userdelArguments: configuration.userdelArgs, subordinateIDs: configuration.subordinateIDs)
        accountBackend = configuration.accountBackend
    }

    /// The login shell for the batch backend, or `nil` when new accounts go through useradd: ACCOUNT_BACKEND is not
    /// `batch`, USERADD_PROGRAM is not /usr/sbin/useradd, or USERADD_ARGS hold anything besides `--user-group`/`-U`,
    /// `--create-home`/`-m` (both required) and `--shell S`/`-s S`.
    public var batchShell: String? {
        guard accountBackend == .batch, useraddProgram == "/usr/sbin/useradd" else { return nil }
        var userGroup = false
        var createHome = false
        var shell: String?
        var words = useraddArguments[...]
        while let word = words.popFirst() {
            switch word {
            case "--user-group", "-U": userGroup = true
            case "--create-home", "-m": createHome = true
            case "--shell", "-s":
                guard let value = words.popFirst(), value.hasPrefix("/") else { return nil }
                shell = value
            default: return nil
            }
        }
        guard userGroup, createHome, let shell else { return nil }
        return shell
    }

    /// Whether useradd gets `noSubordinateIDs`: SUBORDINATE_IDS=0, USERADD_PROGRAM is a useradd (another program
    /// may not take -K) and USERADD_ARGS set neither count itself.
    public var withholdsSubordinateIDs: Bool {
        guard !subordinateIDs, useraddProgram.split(separator: "/").last == "useradd" else { return false }
        return !useraddArguments.contains { $0.contains("SUB_UID_COUNT") || $0.contains("SUB_GID_COUNT") }
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

    /// The one useradd command that creates `name` in `groups` (the marker group first), with `uid` when
    /// pre-assigned.
    ///
    /// The groups are given to useradd itself, so an account never exists outside the marker group. With `uid` and
    /// `--user-group`, the GID of the user's own group is pinned to `uid` through `-K GID_MIN=uid -K GID_MAX=uid`;
    /// with `existingGroup` (a group `name` with GID `uid` left by an interrupted run of an older version, which
    /// ran `groupadd` first), useradd gets `--gid uid` instead of `--user-group` and joins that group. With
    /// `withholdsSubordinateIDs`, useradd also gets `-K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0`: no subordinate
    /// ranges, whose default SUB_UID_MIN..SUB_UID_MAX space holds about 9,000 accounts of 65,536 IDs each.
    public func createUser(_ name: String, uid: UInt32?, groups: [String], existingGroup: Bool = false) -> Command {
        var arguments = useraddArguments
        if withholdsSubordinateIDs { arguments += Self.noSubordinateIDs }
        if let uid {
            arguments += ["--uid", String(uid)]
            if createsUserGroup {
                if existingGroup {
                    arguments.removeAll { $0 == "--user-group" || $0 == "-U" }
                    arguments += ["--gid", String(uid)]
                } else {
                    arguments += ["-K", "GID_MIN=\(uid)", "-K", "GID_MAX=\(uid)"]
                }
            }
        }
        if !groups.isEmpty {
            arguments += ["--groups", groups.joined(separator: ",")]
        }
        return command(useraddProgram, arguments + ["--", name])
    }

    /// `usermod --append --groups G1,G2 -- NAME`: adds groups and keeps every other membership.
    public func addToGroups(_ name: String, groups: [String]) -> Command {
        command(paths.usermod, ["--append", "--groups", groups.joined(separator: ","), "--", name])
    }

    /// `gpasswd --delete NAME -- GROUP`: removes one membership.
    public func removeFromGroup(_ name: String, group: String) -> Command {
        command(paths.gpasswd, ["--delete", name, "--", group])
    }

    /// `gpasswd --members M1,M2 -- GROUP`: sets the whole member list of one group.
    public func setMembers(of group: String, to members: [String]) -> Command {
        command(paths.gpasswd, ["--members", members.joined(separator: ","), "--", group])
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
