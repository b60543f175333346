import EC2SSHSystem
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A simulated Linux host whose passwd and group databases the account programs change as the real ones would.
///
/// Processes can be signalled; any program it does not know is a test failure.
final class FakeAccountHost: ProcessRunning, AccountDatabase, ProcessControl {
    struct Snapshot: Equatable {
        var users: [String: LocalUser] = [:]
        var groups: [String: LocalGroup] = [:]
        var locked: Set<String> = []
        var processes: [UInt32: [Int32]] = [:]
        /// Users and groups only the name service knows (LDAP, SSSD): found by name, never enumerated.
        var nameServiceUsers: [String: LocalUser] = [:]
        var nameServiceGroups: [String: LocalGroup] = [:]
        /// Names whose lookup fails like an unreachable directory service.
        var failingLookups: Set<String> = []
    }

    private struct State {
        var host = Snapshot()
        var commands: [Command] = []
        var signals: [(Int32, Int32)] = []
        var failing: [String: Int32] = [:]
        var stubborn: Set<Int32> = []
        var nextID: UInt32 = 2000
        var observer: (@Sendable (Command) -> Void)?
    }

    private let state = Mutex(State())
    private let unknownIdentities = Mutex(false)

    /// Makes `sourceIdentities` answer `nil`, as a database whose changes cannot be seen.
    var identitiesUnknown: Bool {
        get { unknownIdentities.withLock { $0 } }
        set { unknownIdentities.withLock { $0 = newValue } }
    }

    init(users: [(String, UInt32)] = [], groups: [(String, UInt32, [String])] = []) {
        state.withLock { state in
            for (name, uid) in users {
                state.host.users[name] = LocalUser(
                    name: name, uid: uid, gid: uid, home: "/home/\(name)", shell: "/bin/sh")
            }
            for (name, gid, members) in groups {
                state.host.groups[name] = LocalGroup(name: name, gid: gid, members: members)
            }
        }
    }

    var host: Snapshot { state.withLock { $0.host } }

    /// One identity standing for the local account files: the users, groups and locks, sorted; like the real
    /// files', it does not change with users and groups only the name service knows.
    func sourceIdentities() throws -> [FileIdentity]? {
        guard !identitiesUnknown else { return nil }
        let host = host
        let users = host.users.keys.sorted().map { "\(host.users[$0].map { "\($0)" } ?? "")" }
        let groups = host.groups.keys.sorted().map { "\(host.groups[$0].map { "\($0)" } ?? "")" }
        let stamp = (users + groups + host.locked.sorted()).joined(separator: "\n")
        return [FileIdentity(path: "/etc/passwd", stamp: stamp, changedAt: 0)]
    }
    var commands: [Command] { state.withLock { $0.commands } }
    var commandLines: [String] { commands.map(\.description) }
    var signals: [String] { state.withLock { $0.signals.map { "\($0.0):\($0.1)" } } }
    func clearCommands() { state.withLock { $0.commands = [] } }

    /// Makes the next runs of a command whose description starts with `prefix` exit with `status`.
    func fail(_ prefix: String, status: Int32 = 1) { state.withLock { $0.failing[prefix] = status } }
    /// Adds a user that getpwnam finds but enumeration does not, as with LDAP or SSSD.
    func addNameServiceUser(_ name: String, uid: UInt32) {
        state.withLock {
            $0.host.nameServiceUsers[name] = LocalUser(
                name: name, uid: uid, gid: uid, home: "/home/\(name)", shell: "/bin/sh")
        }
    }
    /// Adds a group that getgrnam finds but enumeration does not.
    func addNameServiceGroup(_ name: String, gid: UInt32) {
        state.withLock { $0.host.nameServiceGroups[name] = LocalGroup(name: name, gid: gid, members: []) }
    }
    /// Makes lookups of `name` fail.
    func failLookups(of name: String) { state.withLock { _ = $0.host.failingLookups.insert(name) } }
    /// Gives account `name` the home directory `home` in the passwd database.
    func setHome(_ name: String, _ home: String) { state.withLock { $0.host.users[name]?.home = home } }
    /// Calls `observer` with every command before it runs (outside the host's lock).
    func observe(_ observer: @escaping @Sendable (Command) -> Void) { state.withLock { $0.observer = observer } }
    /// Makes every command succeed again.
    func clearFailures() { state.withLock { $0.failing = [:] } }
    /// Gives `uid` processes; pids in `stubborn` ignore TERM.
    func spawn(uid: UInt32, pids: [Int32], stubborn: Set<Int32> = []) {
        state.withLock { state in
            state.host.processes[uid] = pids
            state.stubborn.formUnion(stubborn)
        }
    }

    func groupNames(of user: String) -> [String] {
        host.groups.values.filter { $0.members.contains(user) }.map(\.name).sorted()
    }

    // MARK: - ProcessRunning

    func run(_ command: Command) throws -> ProcessResult {
        state.withLock { $0.observer }?(command)
        return try state.withLock { state in
            state.commands.append(command)
            if let status = state.failing.first(where: { command.description.hasPrefix($0.key) })?.value {
                return .exited(status, standardError: "simulated failure")
            }
            return try Self.apply(command, to: &state)
        }
    }

    private static func apply(_ command: Command, to state: inout State) throws -> ProcessResult {
        var options: [String: String] = [:]
        var flags: Set<String> = []
        var operands: [String] = []
        var arguments = command.arguments[...]
        var loginDefs: [String: String] = [:]
        let valued: Set<String> = [
            "--uid", "--gid", "--groups", "--shell", "--expiredate", "--delete", "--members", "-cf",
        ]
        while let argument = arguments.popFirst() {
            if argument == "--" {
                operands += arguments
                break
            }
            if argument == "-K" {
                let setting = (arguments.popFirst() ?? "").split(separator: "=", maxSplits: 1).map(String.init)
                loginDefs[setting.first ?? ""] = setting.count == 2 ? setting[1] : ""
            } else if valued.contains(argument) {
                options[argument] = arguments.popFirst() ?? ""
            } else if argument.hasPrefix("-") {
                flags.insert(argument)
            } else {
                operands.append(argument)
            }
        }
        let name = operands.last ?? ""
        switch command.executable {
        case "/usr/sbin/groupadd":
            guard state.host.groups[name] == nil else { return .exited(9, standardError: "group exists") }
            let gid = options["--gid"].flatMap(UInt32.init) ?? nextID(&state)
            state.host.groups[name] = LocalGroup(name: name, gid: gid, members: [])
        case "/usr/sbin/useradd":
            guard state.host.users[name] == nil, state.host.nameServiceUsers[name] == nil else {
                return .exited(9, standardError: "user '\(name)' already exists")
            }
            if flags.contains("--user-group"),
                state.host.groups[name] != nil || state.host.nameServiceGroups[name] != nil
            {
                return .exited(
                    9, standardError: "group \(name) exists - if you want to add this user to that group, use -g.")
            }
            let groups = options["--groups"].map { $0.split(separator: ",").map(String.init) } ?? []
            for group in groups where state.host.groups[group] == nil {
                return .exited(6, standardError: "group \(group) does not exist")
            }
            let uid = options["--uid"].flatMap(UInt32.init) ?? nextID(&state)
            var gid = options["--gid"].flatMap(UInt32.init) ?? 100
            if flags.contains("--user-group") {
                // useradd prefers the UID as GID; -K GID_MIN=N -K GID_MAX=N allows N only.
                let pinned = loginDefs["GID_MIN"].flatMap(UInt32.init)
                if let pinned, pinned != uid || state.host.groups.values.contains(where: { $0.gid == pinned }) {
                    return .exited(4, standardError: "Can't get unique GID (no more available GIDs)")
                }
                state.host.groups[name] = LocalGroup(name: name, gid: uid, members: [])
                gid = uid
            }
            state.host.users[name] = LocalUser(
                name: name, uid: uid, gid: gid, home: "/home/\(name)", shell: "/bin/bash")
            for group in groups { state.host.groups[group]?.members.append(name) }
        case "/usr/sbin/usermod":
            guard state.host.users[name] != nil else { return .exited(6, standardError: "no user \(name)") }
            if flags.contains("--lock") {
                state.host.locked.insert(name)
            }
            if flags.contains("--unlock") {
                state.host.locked.remove(name)
            }
            for group in options["--groups"].map({ $0.split(separator: ",").map(String.init) }) ?? [] {
                guard state.host.groups[group] != nil else { return .exited(6, standardError: "no group \(group)") }
                if state.host.groups[group]?.members.contains(name) == false {
                    state.host.groups[group]?.members.append(name)
                }
            }
        case "/usr/bin/gpasswd" where options["--members"] != nil:
            guard state.host.groups[name] != nil else { return .exited(3, standardError: "group does not exist") }
            state.host.groups[name]?.members = (options["--members"] ?? "").split(separator: ",").map(String.init)
        case "/usr/bin/gpasswd":
            guard let user = options["--delete"], state.host.groups[name]?.members.contains(user) == true else {
                return .exited(3, standardError: "not a member")
            }
            state.host.groups[name]?.members.removeAll { $0 == user }
        case "/usr/sbin/userdel":
            guard state.host.users.removeValue(forKey: name) != nil else { return .exited(6) }
            for key in state.host.groups.keys { state.host.groups[key]?.members.removeAll { $0 == name } }
            state.host.groups[name] = nil
        case "/usr/sbin/visudo":
            break
        default:
            Issue.record("unexpected program \(command)")
            throw SystemError(.unexpectedCommand, operation: "run", subject: command.description)
        }
        return .exited(0)
    }

    private static func nextID(_ state: inout State) -> UInt32 {
        while state.host.users.values.contains(where: { $0.uid == state.nextID })
            || state.host.groups.values.contains(where: { $0.gid == state.nextID })
        {
            state.nextID += 1
        }
        defer { state.nextID += 1 }
        return state.nextID
    }

    // MARK: - AccountDatabase

    func user(named name: String) throws -> LocalUser? {
        let host = self.host
        try Self.failIfAsked(host, name)
        return host.users[name] ?? host.nameServiceUsers[name]
    }
    func user(uid: UInt32) throws -> LocalUser? { host.users.values.first { $0.uid == uid } }
    func group(named name: String) throws -> LocalGroup? {
        let host = self.host
        try Self.failIfAsked(host, name)
        return host.groups[name] ?? host.nameServiceGroups[name]
    }
    func allUsers() throws -> [LocalUser] { host.users.values.sorted { $0.name < $1.name } }
    func allGroups() throws -> [LocalGroup] { host.groups.values.sorted { $0.name < $1.name } }

    private static func failIfAsked(_ host: Snapshot, _ name: String) throws {
        guard host.failingLookups.contains(name) else { return }
        throw SystemError(.systemCall, operation: "look up user", subject: name, errno: EIO)
    }

    // MARK: - ProcessControl

    func processes(ofUID uid: UInt32) throws -> [Int32] { host.processes[uid] ?? [] }

    func signal(_ pid: Int32, _ signal: Int32) throws {
        state.withLock { state in
            state.signals.append((pid, signal))
            guard signal == SIGKILL || !state.stubborn.contains(pid) else { return }
            for uid in state.host.processes.keys { state.host.processes[uid]?.removeAll { $0 == pid } }
        }
    }
}
