public import AWSCore
public import EC2SSHCore
import EC2SSHShared
public import EC2SSHSystem
public import Logging

/// Applies a `SyncPlan` to the host, following the plan's contract.
///
/// The intent state is written (when it differs from the state read) before the first action; the actions run
/// in order, and a failure is isolated to its account: it is recorded, the account's later granting actions are
/// skipped, and the other accounts go on. The final state, with the UIDs useradd chose, is written at the end;
/// an account with a failed or skipped action keeps its intent entry, which the next run repairs.
public struct PlanExecutor: Sendable {
    /// What an execution did.
    public struct Report: Sendable, Equatable {
        /// One failed step.
        public struct Failure: Sendable, Equatable {
            /// The action that failed, or `nil` when writing the state failed.
            public var action: SyncPlan.Action?
            /// What went wrong.
            public var message: String
        }

        /// The actions that completed, in order.
        public var completed: [SyncPlan.Action]
        /// The failed steps, in order.
        public var failures: [Failure] = []
        /// The actions not run because an earlier action for the same account (or a group they need) failed.
        public var skipped: [SyncPlan.Action] = []
        /// The state on disk after the run.
        public var state: ManagedState
        /// What became of each action of the plan, in plan order.
        public var outcomes = ActionOutcomes(count: 0)

        /// The first failed step, if any.
        public var failure: Failure? { failures.first }
    }

    /// The host side effects the executor uses.
    public struct Host: Sendable {
        /// Runs useradd, usermod, gpasswd, groupadd, userdel and visudo.
        public var runner: any ProcessRunning
        /// Reads back accounts after useradd and before userdel.
        public var accounts: any AccountDatabase
        /// Finds and signals the processes of an account being deleted.
        public var processes: any ProcessControl
        /// Waits during the termination grace period.
        public var time: any TimeSource
        /// Reads /etc/default/useradd and the home directory of an account before userdel may remove it.
        public var fileSystem: any FileSystem
        /// The account files and homes for ACCOUNT_BACKEND=batch, or `nil` (then every account goes through useradd).
        public var accountFiles: (any AccountFilesAccess)?

        /// Creates the host.
        public init(
            runner: any ProcessRunning, accounts: any AccountDatabase, processes: any ProcessControl,
            time: any TimeSource, fileSystem: any FileSystem, accountFiles: (any AccountFilesAccess)? = nil
        ) {
            self.accountFiles = accountFiles
            self.runner = runner
            self.accounts = accounts
            self.processes = processes
            self.time = time
            self.fileSystem = fileSystem
        }
    }

    private let host: Host
    private let commands: AccountCommands
    private let sudoers: SudoersInstaller
    private let store: StateStore
    private let gracePeriod: Double
    private let logger: Logger

    /// Creates an executor; processes of a deleted account get `gracePeriod` seconds between TERM and KILL.
    public init(
        host: Host, commands: AccountCommands, sudoers: SudoersInstaller, store: StateStore,
        gracePeriod: Double = 5, logger: Logger
    ) {
        self.host = host
        self.commands = commands
        self.sudoers = sudoers
        self.store = store
        self.gracePeriod = gracePeriod
        self.logger = logger
    }

    /// Runs `plan` on a host whose persisted state is `state`.
    public func execute(_ plan: SyncPlan, from state: ManagedState) -> Report {
        var report = Report(completed: [], state: state)
        report.outcomes = ActionOutcomes(count: plan.actions.count)
        do {
            try store.saveState(plan.intentState)
            report.state = plan.intentState
        } catch {
            report.failures.append(.init(action: nil, message: "cannot write \(store.statePath): \(error)"))
            return report
        }
        var recordedUIDs: [String: UInt32] = [:]
        var failedSubjects: Set<String> = []
        var failedGroups: Set<String> = []
        var batched = Batched()
        for (index, action) in plan.actions.enumerated() {
            if let blocker = Self.blocker(of: action, failedSubjects: failedSubjects, failedGroups: failedGroups) {
                logger.warning("skipped: \(action.summary): \(blocker); it waits for the next run")
                report.skipped.append(action)
                failedSubjects.insert(action.subject)
                continue
            }
            runBatch(
                startingAt: action, into: &batched,
                actions: plan.actions[index...].filter {
                    Self.blocker(of: $0, failedSubjects: failedSubjects, failedGroups: failedGroups) == nil
                })
            logger.notice("applying: \(action.summary)")
            do {
                if let uid = try perform(action, recorded: state, batched: batched) {
                    recordedUIDs[action.subject] = uid
                }
                report.completed.append(action)
                report.outcomes.applied(index)
            } catch {
                report.outcomes.failed(index, message: "\(error)")
                logger.error("failed: \(action.summary): \(error); the other accounts go on, the next run retries")
                report.failures.append(.init(action: action, message: "\(error)"))
                if case .createGroup(let name) = action {
                    failedGroups.insert(name)
                } else {
                    failedSubjects.insert(action.subject)
                }
            }
        }
        var final = plan.finalState(keepingIntentOf: failedSubjects)
        for (name, uid) in recordedUIDs.sorted(by: { $0.key < $1.key }) {
            final = final.recordingUID(uid, for: name)
        }
        do {
            try store.saveState(final)
            report.state = final
        } catch {
            report.failures.append(.init(action: nil, message: "cannot write \(store.statePath): \(error)"))
        }
        return report
    }

    /// Why `action` must not run after the failures so far, or `nil`.
    ///
    /// After a failure for an account only actions that take something away (revoke sudo, remove groups, lock,
    /// delete) still run for it; nothing is granted to an account whose creation or an earlier change failed. A failed
    /// group creation skips the creations and additions that need the group.
    static func blocker(of action: SyncPlan.Action, failedSubjects: Set<String>, failedGroups: Set<String>)
        -> String?
    {
        switch action {
        case .createUser(let name, _, _, let groups), .addToGroups(let name, let groups):
            if let group = groups.first(where: failedGroups.contains) {
                return "creating group \(group) failed"
            }
            return failedSubjects.contains(name) ? "an earlier action for \(name) failed" : nil
        case .writeSudoers(let name, _, _), .unlockUser(let name):
            return failedSubjects.contains(name) ? "an earlier action for \(name) failed" : nil
        case .createGroup, .removeFromGroups, .removeSudoers, .removeLegacySudoers, .deleteUser, .lockUser:
            return nil
        }
    }

    /// Checks the sudoers files that `actions` write with one visudo run; returns the contents that passed, by
    /// file name: all of them, or none when the batch failed (each file is then checked on its own as it is
    /// installed, so only a bad one fails) or holds fewer than two files.
    private func checkSudoersTogether(_ actions: some Sequence<SyncPlan.Action>) -> [String: String] {
        var files: [String: String] = [:]
        for case .writeSudoers(_, let file, let content) in actions { files[file] = content }
        guard files.count > 1 else { return [:] }
        let sorted = files.sorted { $0.key < $1.key }
        if let problem = sudoers.checkTogether(sorted.map(\.value)) {
            logger.warning(
                "checking \(files.count) sudoers files together failed (\(problem)); checking each on its own")
            return [:]
        }
        logger.info("checked \(files.count) sudoers files with one visudo run")
        return files
    }

    /// What the batches of a run did already.
    private struct Batched {
        /// The kinds of batch that ran (each runs once, at the first action of its kind).
        enum Kind { case sudoers, additions, removals, creations }
        /// The batches that ran.
        var ran: Set<Kind> = []
        /// The sudoers contents visudo accepted already, by file name.
        var sudoers: [String: String] = [:]
        /// The group memberships changed already.
        var memberships: Set<GroupMembershipBatch.Membership> = []
        /// The accounts ACCOUNT_BACKEND=batch created already, with their UIDs.
        var created: [String: UInt32] = [:]
        /// The accounts a failed batch may have left half-written: not for useradd this run.
        var creationBlocked: Set<String> = []
    }

    /// At the first sudoers write, group addition or group removal of a run, does that kind of change for all of
    /// `actions` (the actions from here on that are not blocked) in one batch, unless it ran already.
    ///
    /// The plan runs each kind of action in one stretch (the removals, later the additions, last the sudoers
    /// writes), so the batch runs where the per-account commands would have started.
    private func runBatch(
        startingAt action: SyncPlan.Action, into batched: inout Batched,
        actions: @autoclosure () -> [SyncPlan.Action]
    ) {
        let kind: Batched.Kind
        switch action {
        case .writeSudoers: kind = .sudoers
        case .addToGroups: kind = .additions
        case .removeFromGroups: kind = .removals
        case .createUser: kind = .creations
        default: return
        }
        guard batched.ran.insert(kind).inserted else { return }
        if kind == .creations {
            guard let shell = commands.batchShell, let files = host.accountFiles else { return }
            var accounts: [BatchAccount] = []
            for case .createUser(let name, _, let uid, let groups) in actions() {
                accounts.append(BatchAccount(name: name, uid: uid, groups: groups))
            }
            let creator = BatchAccountCreator(
                files: files, runner: host.runner, time: host.time, paths: commands.paths, store: store,
                logger: logger)
            let result = creator.create(accounts, shell: shell, subordinateIDs: !commands.withholdsSubordinateIDs)
            batched.created = result.uids
            batched.creationBlocked = result.blocked
            return
        }
        if kind == .sudoers {
            batched.sudoers = checkSudoersTogether(actions())
            return
        }
        let groups = GroupMembershipBatch(
            runner: host.runner, accounts: host.accounts, commands: commands, logger: logger)
        batched.memberships.formUnion(groups.apply(actions(), adding: kind == .additions))
    }

    /// Performs one action, or what the batches left of it; returns the UID of a created account.
    private func perform(_ action: SyncPlan.Action, recorded state: ManagedState, batched: Batched) throws -> UInt32? {
        switch action {
        case .createGroup(let name):
            try run(commands.groupadd(name))
        case .createUser(let name, _, let uid, let groups):
            if let created = batched.created[name] { return created }
            guard !batched.creationBlocked.contains(name) else {
                throw ExecutionError.unexpectedHostState(
                    "the batch that was creating \(name) could not take back its lines; the next run does")
            }
            return try createUser(name, uid: uid, groups: groups)
        case .addToGroups(let name, let groups):
            let rest = groups.filter { !batched.memberships.contains(.init(name: name, group: $0)) }
            if !rest.isEmpty { try run(commands.addToGroups(name, groups: rest)) }
        case .removeFromGroups(let name, let groups):
            for group in groups where !batched.memberships.contains(.init(name: name, group: group)) {
                try run(commands.removeFromGroup(name, group: group))
            }
        case .writeSudoers(_, let file, let content):
            try sudoers.install(name: file, content: content, checked: batched.sudoers[file] == content)
        case .removeSudoers(_, let file), .removeLegacySudoers(_, let file):
            try sudoers.remove(name: file)
        case .deleteUser(let name, _, let file):
            try deleteUser(name, expectedUID: state.accounts[name]?.uid)
            try sudoers.remove(name: file)
        case .lockUser(let name):
            try checkOwned(name, expectedUID: state.accounts[name]?.uid, doing: "lock")
            try run(commands.lock(name))
        case .unlockUser(let name):
            try checkOwned(name, expectedUID: state.accounts[name]?.uid, doing: "unlock")
            try run(commands.unlock(name))
        }
        return nil
    }

    private func createUser(_ name: String, uid: UInt32?, groups: [String]) throws -> UInt32 {
        var existingGroup = false
        if let uid, commands.createsUserGroup, try host.accounts.group(named: name)?.gid == uid {
            logger.info("group \(name) with gid \(uid) exists already (an earlier run was interrupted); reusing it")
            existingGroup = true
        }
        try run(commands.createUser(name, uid: uid, groups: groups, existingGroup: existingGroup))
        guard let user = try host.accounts.user(named: name) else {
            throw ExecutionError.unexpectedHostState(
                "\(commands.useraddProgram) succeeded but account \(name) does not exist; check USERADD_PROGRAM")
        }
        if let uid, user.uid != uid {
            throw ExecutionError.unexpectedHostState(
                "account \(name) was created with uid \(user.uid) instead of \(uid); check USERADD_ARGS")
        }
        return user.uid
    }

    private func deleteUser(_ name: String, expectedUID: UInt32?) throws {
        guard let user = try host.accounts.user(named: name) else {
            logger.info("account \(name) is already gone")
            return
        }
        guard user.uid != 0, expectedUID.map({ $0 == user.uid }) ?? true else {
            throw ExecutionError.unexpectedHostState(
                "refusing to delete \(name): it has uid \(user.uid), import_users recorded "
                    + "\(expectedUID.map(String.init) ?? "none")")
        }
        try run(commands.lock(name))
        try endProcesses(of: name, uid: user.uid)
        var command = commands.deleteUser(name)
        if UserdelArguments.removesHome(commands.userdelArguments) {
            let check = HomeRemovalCheck(
                fileSystem: host.fileSystem, accounts: host.accounts, useraddDefaults: commands.paths.useraddDefaults)
            if case .keep(let reason) = check.decision(for: user) {
                logger.warning(
                    "keeping the home directory \(user.home) of \(name): \(reason); userdel runs without --remove")
                command = commands.deleteUser(name, removingHome: false)
            }
        }
        let result = try host.runner.run(command)
        if !result.succeeded {
            guard try host.accounts.user(named: name) == nil else {
                throw ExecutionError.commandFailed(command: command, result: result)
            }
            logger.warning("\(ExecutionError.commandFailed(command: command, result: result)); the account is gone")
        }
    }

    /// Refuses to `doing` an account that is gone, is root, or has another UID than the one recorded.
    private func checkOwned(_ name: String, expectedUID: UInt32?, doing: String) throws {
        guard let user = try host.accounts.user(named: name) else {
            throw ExecutionError.unexpectedHostState("cannot \(doing) \(name): the account does not exist")
        }
        guard user.uid != 0, expectedUID.map({ $0 == user.uid }) ?? true else {
            throw ExecutionError.unexpectedHostState(
                "refusing to \(doing) \(name): it has uid \(user.uid), import_users recorded "
                    + "\(expectedUID.map(String.init) ?? "none")")
        }
    }

    /// Sends TERM to every process of `uid`, waits up to the grace period for them to end, then sends KILL.
    private func endProcesses(of name: String, uid: UInt32) throws {
        var pids = try host.processes.processes(ofUID: uid)
        guard !pids.isEmpty else { return }
        logger.notice("ending \(pids.count) process(es) of \(name) (uid \(uid)) with TERM")
        for pid in pids { try host.processes.signal(pid, ProcessSignal.terminate) }
        let deadline = host.time.monotonicSeconds() + gracePeriod
        while !pids.isEmpty, host.time.monotonicSeconds() < deadline {
            host.time.sleep(seconds: min(0.1, max(0, deadline - host.time.monotonicSeconds())))
            pids = try host.processes.processes(ofUID: uid)
        }
        guard !pids.isEmpty else { return }
        logger.warning("\(pids.count) process(es) of \(name) outlived the grace period; sending KILL")
        for pid in pids { try host.processes.signal(pid, ProcessSignal.kill) }
    }

    private func run(_ command: Command) throws {
        let result = try host.runner.run(command)
        guard result.succeeded else { throw ExecutionError.commandFailed(command: command, result: result) }
    }
}
