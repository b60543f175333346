import AWSCore
public import EC2SSHCore
public import EC2SSHShared
import EC2SSHSystem
public import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One import_users run: lock, read the state, the host and IAM, plan, apply (or print), write the index.
public struct ImportRun: Sendable {
    /// What a run ended with.
    public struct Outcome: Sendable, Equatable {
        /// The exit status.
        public var exitCode: ImportExitCode
        /// The plan, when the run got that far.
        public var plan: SyncPlan?
        /// What the executor did, when it ran.
        public var report: PlanExecutor.Report?
        /// Failed actions, failed IAM reads, UIDs that could not be chosen and other errors of the run.
        public var failures = 0
        /// The managed accounts after the run.
        public var managedAccounts = 0
    }

    private let settings: ToolSettings
    private let options: ImportOptions
    private let dependencies: ImportDependencies
    private let logger: Logger

    /// Creates a run of `settings` with `options`.
    public init(settings: ToolSettings, options: ImportOptions, dependencies: ImportDependencies, logger: Logger) {
        self.settings = settings
        self.options = options
        self.dependencies = dependencies
        self.logger = logger
    }

    /// Runs and returns the outcome; every failure is logged once and mapped to an exit status here.
    public func run() -> Outcome {
        for warning in settings.warnings { logger.warning("\(warning)") }
        do {
            return try runLocked(startedAt: dependencies.time.now())
        } catch let error as ImportError {
            switch error.exitCode {
            case .doNotSync, .lockHeld: logger.warning("\(error)")
            default: logger.error("\(error)")
            }
            return Outcome(exitCode: error.exitCode)
        } catch {
            logger.error("import_users failed unexpectedly: \(error); nothing more was changed")
            return Outcome(exitCode: .internalError)
        }
    }

    private func runLocked(startedAt: Date) throws -> Outcome {
        guard dependencies.effectiveUID == 0 else { throw ImportError.notRoot(uid: dependencies.effectiveUID) }
        let configuration = settings.configuration
        let store = StateStore(directory: configuration.stateDir, fileSystem: dependencies.fileSystem)
        if options.adoptLegacyAccounts && !options.dryRun {
            // Before anything else (even DONOTSYNC and the lock): from now on every run adopts until one succeeds.
            try recordAdoptionPending(store: store, at: startedAt)
        }
        guard !configuration.doNotSync else { throw ImportError.doNotSync(path: settings.path) }
        var release: (@Sendable () -> Void)?
        do {
            if !options.dryRun {
                try store.ensureDirectory()
                release = try dependencies.lock(store.lockPath)
            } else {
                try store.checkDirectory()
                if try store.lockFileExists() { release = try dependencies.lock(store.lockPath) }
            }
        } catch let error as SystemError where error.kind == .lockHeld {
            throw ImportError.lockHeld(path: store.lockPath)
        }
        defer { release?() }
        guard !options.dryRun else { return try sync(store: store) }
        let status = RunStatusWriter(
            stateDirectory: configuration.stateDir, metricsFile: configuration.metricsFile,
            fileSystem: dependencies.fileSystem, logger: logger)
        func record(_ exitCode: ImportExitCode, error: String?, counts: RunStatus.Counts, managedAccounts: Int) {
            status.write(
                RunStatus(
                    startedAt: startedAt, finishedAt: dependencies.time.now(), exitCode: exitCode.rawValue,
                    error: error, counts: counts, managedAccounts: managedAccounts, lastSuccessAt: nil,
                    version: BuildInfo.version))
        }
        do {
            let outcome = try sync(store: store)
            let counts = outcome.plan.map {
                RunStatus.Counts(plan: $0, outcomes: outcome.report?.outcomes, failures: outcome.failures)
            }
            record(
                outcome.exitCode, error: nil, counts: counts ?? RunStatus.Counts(failures: outcome.failures),
                managedAccounts: outcome.managedAccounts)
            return outcome
        } catch {
            record(
                (error as? ImportError)?.exitCode ?? .internalError, error: "\(error)",
                counts: RunStatus.Counts(failures: 1), managedAccounts: (try? store.loadState())?.accounts.count ?? 0)
            throw error
        }
    }

    /// Reads the state, the host and IAM, plans, and applies (or prints) the plan; the lock is held.
    private func sync(store: StateStore) throws -> Outcome {
        let configuration = settings.configuration
        let stateExists = try store.stateFileExists()
        if options.rebuildState && stateExists { throw ImportError.stateExists(path: store.statePath) }
        let state = try store.loadState()
        let sudoers = try SudoersFile()
        let pendingMarker: [UInt8]?
        do {
            pendingMarker = try store.loadAdoptionPending()
        } catch {
            throw ImportError.unusableStateFile(path: store.adoptionPendingPath, detail: "cannot read it: \(error)")
        }
        let legacy = LegacyAdoption(
            requested: options.adoptLegacyAccounts, pending: pendingMarker != nil, dryRun: options.dryRun)
        if legacy.pending && !legacy.requested {
            let path = store.adoptionPendingPath
            logger.notice(
                "adoption of the bash aws-ec2-ssh's accounts is pending (\(path)): this run adopts them as with --adopt-legacy-accounts"
            )
        }
        var effectiveOptions = options
        effectiveOptions.adoptLegacyAccounts = legacy.adopts
        let adopting = legacy.adopts || options.rebuildState
        let reader = LocalSnapshotReader(
            accounts: dependencies.accounts, fileSystem: dependencies.fileSystem, paths: dependencies.paths,
            sudoers: sudoers, readsLegacyFiles: adopting)
        var host = try reader.read()
        let markerMembers = host.snapshot.members(of: configuration.localMarkerGroup)
        if !stateExists && !adopting && !markerMembers.isEmpty {
            throw ImportError.stateMissing(
                path: store.statePath, markerGroup: configuration.localMarkerGroup, members: markerMembers.sorted())
        }
        let iam = try IAMReader(
            source: dependencies.aws, request: IAMReader.Request(configuration: configuration), logger: logger
        ).read()
        if adopting && !stateExists && !iam.view.isComplete {
            // Adoption needs a complete read; without one the state would be written without the accounts.
            throw ImportError.adoptionNeedsCompleteRead(
                option: options.rebuildState ? "--rebuild-state" : legacy.optionName, reads: iam.view.failedReads)
        }
        let now = dependencies.time.now()
        var policy = ImportPolicy.policy(
            configuration: configuration, options: effectiveOptions, loginDefs: host.loginDefs)
        if !stateExists && adopting {
            // What import_users recorded before its state was lost: which IAM UserId each account belonged to.
            policy.adoptionIndex = store.loadIndex()?.users.mapValues(\.iamUserID)
        }
        var desired = DesiredStateBuilder.build(view: iam.view, policy: policy, now: now)
        var failures = 0
        if configuration.uidSource == .iamUserID {
            let choice = DeterministicUIDs.choose(
                desired: desired, state: state, local: host.snapshot, groupIDs: host.groupIDs,
                range: configuration.uidRange)
            policy.preassignedUIDs = choice.uids
            for (name, error) in choice.failures.sorted(by: { $0.key < $1.key }) {
                logger.error("\(error); \(name) is not created this run")
            }
            failures += choice.failures.count
            desired.accounts.removeAll { choice.failures[$0.localName] != nil }
        }
        host.snapshot.unavailableNames = reader.unavailableNames(
            among: desired.accounts.map(\.localName), in: host.snapshot)
        let plan = try SyncPlanner.plan(
            desired: desired, local: host.snapshot, state: state, policy: policy, complete: iam.view.isComplete,
            failedReads: iam.view.failedReads, now: now)
        log(plan)
        failures += plan.notices.count { $0.severity == .error }
        if options.dryRun {
            dependencies.output(options.json ? PlanReport(plan: plan, outcomes: nil).json().text() : plan.renderText())
            let clean = plan.complete && failures == 0
            return Outcome(
                exitCode: clean ? .ok : .partial, plan: plan, failures: failures, managedAccounts: state.accounts.count)
        }
        var report: PlanExecutor.Report?
        var finalState = state
        if plan.isNoOp(from: state) {
            logger.info("nothing to change")
        } else {
            logger.notice(
                plan.actions.isEmpty
                    ? "no account changes; updating the state file"
                    : "applying \(Self.count(plan.actions.count, "change"))")
            do {
                // Revocation first: users who lose access leave the index before any action runs, so the key
                // command stops serving them even if an action fails or the run is killed.
                try writeIndex(store: store, state: plan.intentState, iam: iam)
            } catch {
                failures += 1
                logger.error("cannot write \(store.indexPath): \(error); the key command keeps using the previous one")
            }
            let executed = executor(store: store).execute(plan, from: state)
            report = executed
            finalState = executed.state
            if !executed.failures.isEmpty {
                failures += executed.failures.count
                let done =
                    "\(executed.completed.count) of \(Self.count(plan.actions.count, "change")) applied, "
                    + "\(executed.failures.count) failed, \(executed.skipped.count) skipped"
                if let stateFailure = executed.failures.first(where: { $0.action == nil }) {
                    logger.error("run incomplete: \(stateFailure.message); \(done), the next run repairs the rest")
                } else {
                    // The executor logged each failed action as an error already: one error line per failure.
                    logger.notice("run incomplete: \(done); the next run repairs the rest")
                }
            }
        }
        if adopting && !stateExists {
            do {
                // Written even when nothing was adopted, so that later runs know the marker group's members.
                try store.saveState(finalState)
            } catch {
                failures += 1
                logger.error("cannot write \(store.statePath): \(error)")
            }
        }
        do {
            try writeIndex(store: store, state: finalState, iam: iam)
        } catch {
            failures += 1
            logger.error("cannot write \(store.indexPath): \(error); the key command keeps using the previous one")
        }
        failures += forgetDeletedAccounts(before: state, after: finalState)
        if failures == 0 && plan.complete {
            failures += refreshKeyCache(state: finalState, view: iam.view, now: now)
        }
        if plan.complete && failures == 0, legacy.clears(completedCleanly: true), let pendingMarker {
            failures += clearAdoptionPending(store: store, marker: pendingMarker)
        }
        let clean = plan.complete && failures == 0
        if options.json {
            let outcomes = report?.outcomes ?? ActionOutcomes(count: plan.actions.count)
            dependencies.output(PlanReport(plan: plan, outcomes: outcomes).json().text())
        }
        let summary =
            "\(clean ? "done" : "done with problems (exit 4)"): "
            + "\(Self.count(report?.completed.count ?? 0, "change")) applied, "
            + "\(Self.count(finalState.accounts.count, "managed account"))"
        logger.notice("\(summary)")
        return Outcome(
            exitCode: clean ? .ok : .partial, plan: plan, report: report, failures: failures,
            managedAccounts: finalState.accounts.count)
    }

    /// Writes the "adoption pending" marker (STATE_DIR must exist and be safe); throws `adoptionNotRecorded`.
    private func recordAdoptionPending(store: StateStore, at date: Date) throws {
        try store.ensureDirectory()
        do {
            try store.recordAdoptionPending(LegacyAdoption.marker(requestedAt: date, version: BuildInfo.version))
        } catch {
            throw ImportError.adoptionNotRecorded(path: store.adoptionPendingPath, detail: "\(error)")
        }
        let path = store.adoptionPendingPath
        logger.notice(
            "recorded \(path): every run adopts the bash aws-ec2-ssh's accounts until one completes with exit status 0")
    }

    /// Removes the marker after the first clean run that adopted; returns 1 (logged) when it cannot, else 0.
    private func clearAdoptionPending(store: StateStore, marker: [UInt8]) -> Int {
        do {
            if try store.clearAdoptionPending(ifStill: marker) {
                logger.notice(
                    "adoption of the bash aws-ec2-ssh's accounts is done; removed \(store.adoptionPendingPath)")
            }
            return 0
        } catch {
            logger.error(
                "cannot remove \(store.adoptionPendingPath): \(error); the next run adopts again; remove it by hand")
            return 1
        }
    }

    /// "1 change", "3 changes".
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    private func executor(store: StateStore) -> PlanExecutor {
        let commands = AccountCommands(configuration: settings.configuration, paths: dependencies.paths)
        return PlanExecutor(
            host: .init(
                runner: dependencies.runner, accounts: dependencies.accounts, processes: dependencies.processes,
                time: dependencies.time, fileSystem: dependencies.fileSystem),
            commands: commands,
            sudoers: SudoersInstaller(
                fileSystem: dependencies.fileSystem, runner: dependencies.runner, commands: commands,
                checkDirectory: store.directory),
            store: store, gracePeriod: dependencies.gracePeriod, logger: logger)
    }

    /// Writes managed-users.json from the state on disk when its content changes (or it is missing).
    ///
    /// Expiries come from this run's tag reads; for users whose tags could not be read the previous index's
    /// expiry is kept, so a failed read never lifts an expiry. ARNs come from this run's listings; for users this
    /// run did not see (an incomplete read) the previous index's ARN of the same IAM UserId is kept.
    private func writeIndex(store: StateStore, state: ManagedState, iam: IAMReader.Result) throws {
        var expiries: [String: Date] = [:]
        var arns: [String: String] = [:]
        let previous = store.loadIndex()
        let tagConfigured = !settings.configuration.accessExpiryTag.isEmpty
        for (localName, account) in state.accounts where account.status == .active {
            let entry = previous?.users[localName].flatMap { $0.iamUserID == account.iamUserID ? $0 : nil }
            if let arn = iam.arns[account.iamUserName] {
                arns[account.iamUserName] = arn
            } else if let arn = entry?.iamUserARN {
                arns[account.iamUserName] = arn
            }
            guard tagConfigured else { continue }
            if iam.tagsRead.contains(account.iamUserName) {
                if let date = iam.accessExpiries[account.iamUserName] { expiries[account.iamUserName] = date }
            } else if let date = entry?.accessExpiresAt {
                expiries[account.iamUserName] = date
            }
        }
        if try store.saveIndex(ManagedUsersIndex(state: state, accessExpiries: expiries, arns: arns)) {
            logger.info("wrote \(store.indexPath)")
        }
    }

    /// Deletes the key cache entries of the accounts this run deleted (in `before`, gone from `after`), so a later
    /// account of the same name can never be served them; returns how many could not be deleted (each logged).
    private func forgetDeletedAccounts(before: ManagedState, after: ManagedState) -> Int {
        let deleted = before.accounts.keys.filter { after.accounts[$0] == nil }
        guard !deleted.isEmpty, let snapshot = dependencies.keySnapshot else { return 0 }
        let failures = snapshot.forget(localNames: deleted)
        for failure in failures {
            logger.error("key cache: \(failure)")
        }
        return failures.count
    }

    /// In cache-first mode (KEY_CACHE_TTL above 0), refreshes the key cache of every active managed account this
    /// run's IAM view authorizes; returns how many entries could not be refreshed (each problem is logged).
    private func refreshKeyCache(state: ManagedState, view: IAMView, now: Date) -> Int {
        guard settings.configuration.keyCacheTTL > 0 else { return 0 }
        guard let snapshot = dependencies.keySnapshot else {
            logger.debug("KEY_CACHE_TTL is set but this build cannot refresh the key cache; the key command fills it")
            return 0
        }
        var users: [String: ManagedKeyUser] = [:]
        for (name, account) in state.accounts
        where account.grantsAccess && view.authorized.contains(account.iamUserName) {
            users[name] = ManagedKeyUser(iamUserName: account.iamUserName, iamUserID: account.iamUserID)
        }
        let failures = snapshot.refresh(users: users, now: now)
        for failure in failures {
            logger.error("key cache: \(failure)")
        }
        if failures.isEmpty { logger.info("key cache refreshed for \(Self.count(users.count, "user"))") }
        return failures.count
    }

    private func log(_ plan: SyncPlan) {
        for conflict in plan.conflicts { logger.warning("conflict: \(conflict.message)") }
        for skipped in plan.skipped { logger.warning("skipped: \(skipped.message)") }
        for notice in plan.notices {
            switch notice.severity {
            case .info: logger.info("\(notice.message)")
            case .warning: logger.warning("\(notice.message)")
            case .error: logger.error("\(notice.message)")
            }
        }
    }
}
