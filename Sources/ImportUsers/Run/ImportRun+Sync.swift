import AWSCore
import EC2SSHCore
import EC2SSHShared
import EC2SSHSystem
import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The body of a run, with the lock held: read, plan, execute, write.
extension ImportRun {
    /// What a run read before planning.
    struct Reading {
        /// The state file's content, or `nil` when there is none.
        var state: ManagedState?
        /// The host: accounts, groups, sudoers files, login.defs.
        var host: LocalSnapshotReader.Result
        /// What IAM says.
        var iam: IAMReader.Result
        /// managed-users.json as a previous run left it, if readable.
        var previousIndex: ManagedUsersIndex?
        /// Whether this run adopts the bash tool's accounts (the flag, or a pending adoption).
        var legacy: LegacyAdoption
        /// The "adoption pending" marker as the run read it, if there was one.
        var pendingMarker: [UInt8]?
        /// Fleet reader mode: the problems of the snapshot refresh (a failed GET, a refused snapshot), each logged.
        var fleetProblems = 0

        /// Whether accounts may be adopted: legacy adoption, or `--rebuild-state` (adoption semantics).
        func adoptsAccounts(_ options: ImportOptions) -> Bool {
            legacy.adopts || options.rebuildState
        }
    }

    /// Reads, plans, and applies (or prints) the plan.
    ///
    /// With SKIP_UNCHANGED_RUNS, the identities of the local inputs are taken first and IAM (or the fleet snapshot)
    /// is read next; when they hash to the digest the last clean run that changed nothing recorded, and the reads
    /// had no problem, the run stops there.
    func sync(store: StateStore) throws -> Outcome {
        let recoveryFailures = recoverInterruptedBatch(store: store)
        var unchanged = unchangedInputs(store: store)
        var iamRead: SourceRead?
        if var inputs = unchanged {
            let read = try readSource(state: { try store.stateFileExists() ? store.loadState() : nil })
            inputs.digest = inputsDigest(identities: inputs.identities, iam: read.iam)
            logger.debug("inputs digest \(inputs.digest)")
            if read.problems == 0, recoveryFailures == 0, let record = store.loadUnchangedRecord(),
                record.holds(digest: inputs.digest, at: dependencies.time.now())
            {
                return unchangedOutcome(record, store: store)
            }
            unchanged = inputs
            iamRead = read
        }
        let reading = try read(store: store, iam: iamRead)
        let now = dependencies.time.now()
        let policy = SyncPolicy(
            configuration: settings.configuration, loginDefs: reading.host.loginDefs, force: options.force,
            adoptLegacyAccounts: reading.adoptsAccounts(options))
        let plan = try SyncPlanner.plan(
            view: reading.iam.view, local: reading.host.snapshot, state: reading.state,
            previousIndex: reading.previousIndex, policy: policy, now: now)
        let planFailures = log(plan)
        let state = reading.state ?? ManagedState()
        if options.dryRun {
            dependencies.output(options.json ? PlanReport(plan: plan, outcomes: nil).json().text() : plan.renderText())
            let clean = plan.complete && planFailures == 0
            return Outcome(
                exitCode: clean ? .ok : .partial, plan: plan, failures: planFailures,
                managedAccounts: state.accounts.count)
        }
        let applied = execute(plan, from: state, store: store, iam: reading.iam)
        var failures = planFailures + applied.failures + reading.fleetProblems + recoveryFailures
        failures += write(applied.state, of: plan, before: state, store: store, iam: reading.iam)
        if failures == 0 && plan.complete {
            failures += refreshKeyCache(state: applied.state, view: reading.iam.view, now: now)
        }
        if failures == 0 && plan.complete, reading.legacy.clears(completedCleanly: true),
            let marker = reading.pendingMarker
        {
            failures += clearAdoptionPending(store: store, marker: marker)
        }
        if failures == 0, applied.report == nil, let unchanged {
            recordUnchanged(
                unchanged, plan: plan, reading: reading, now: now, managedAccounts: applied.state.accounts.count,
                store: store)
        }
        return finish(plan, report: applied.report, state: applied.state, failures: failures)
    }

    /// Takes back what an interrupted batch (ACCOUNT_BACKEND=batch) left, before anything reads the account files.
    ///
    /// See `BatchAccountCreator.recoverInterrupted()`; a dry run only says so. Returns the failures.
    private func recoverInterruptedBatch(store: StateStore) -> Int {
        guard let files = dependencies.accountFiles else { return 0 }
        if options.dryRun {
            if (try? dependencies.fileSystem.status(store.batchJournalPath)) != nil {
                let message =
                    "\(store.batchJournalPath): a batch of new accounts was interrupted; the next run (without "
                    + "--dry-run) takes back what it wrote before planning, so this plan may differ"
                logger.warning("\(message)")
            }
            return 0
        }
        let creator = BatchAccountCreator(
            files: files, runner: dependencies.runner, time: dependencies.time, paths: dependencies.paths,
            store: store, logger: logger)
        return creator.recoverInterrupted()
    }

    /// What a run read from IAM or, on a fleet reader, from the snapshot.
    struct SourceRead {
        /// The read, as the planner takes it.
        var iam: IAMReader.Result
        /// Fleet reader mode: the problems of the snapshot refresh (a failed GET, a refused snapshot), each logged.
        var problems = 0
    }

    /// Reads IAM, or the fleet snapshot on a fleet reader; `state` (the state file, only needed for a stale snapshot)
    /// is read only if needed.
    private func readSource(state: () throws -> ManagedState?) throws -> SourceRead {
        guard let fleet = dependencies.fleet else { return SourceRead(iam: try readIAM()) }
        let (iam, problems) = try readFleet(fleet, state: state)
        return SourceRead(iam: iam, problems: problems)
    }

    /// Reads IAM as the configuration asks.
    private func readIAM() throws -> IAMReader.Result {
        try IAMReader(
            source: dependencies.aws, request: IAMReader.Request(configuration: settings.configuration), logger: logger
        ).read()
    }

    /// Reads the state, the host and IAM (unless `iam` holds it already); refuses what the options and the state
    /// file do not allow together.
    private func read(store: StateStore, iam iamRead: SourceRead?) throws -> Reading {
        let configuration = settings.configuration
        let stateExists = try store.stateFileExists()
        if options.rebuildState && stateExists { throw ImportError.stateExists(path: store.statePath) }
        let state = try store.loadState()
        let (legacy, pendingMarker) = try legacyAdoption(store: store)
        let adopts = legacy.adopts || options.rebuildState
        let reader = LocalSnapshotReader(
            accounts: dependencies.accounts, fileSystem: dependencies.fileSystem, paths: dependencies.paths,
            sudoers: try SudoersFile(), readsLegacyFiles: adopts)
        var host = try reader.read()
        let markerMembers = host.snapshot.members(of: configuration.localMarkerGroup)
        if !stateExists && !adopts && !markerMembers.isEmpty {
            throw ImportError.stateMissing(
                path: store.statePath, markerGroup: configuration.localMarkerGroup, members: markerMembers.sorted())
        }
        let source = try iamRead ?? readSource(state: { stateExists ? state : nil })
        let (iam, fleetProblems) = (source.iam, source.problems)
        if adopts && !stateExists && !iam.view.isComplete {
            // Adoption needs a complete read; without one the state would be written without the accounts.
            throw ImportError.adoptionNeedsCompleteRead(
                option: options.rebuildState ? "--rebuild-state" : legacy.optionName, reads: iam.view.failedReads)
        }
        host.snapshot.unavailableNames = reader.unavailableNames(
            among: iam.view.authorizedLocalNames, in: host.snapshot)
        return Reading(
            state: stateExists ? state : nil, host: host, iam: iam,
            previousIndex: stateExists ? nil : store.loadIndex(), legacy: legacy, pendingMarker: pendingMarker,
            fleetProblems: fleetProblems)
    }

    /// Runs the plan's actions, unless there is nothing to change.
    ///
    /// The index leaves out the users who lose access before the first action. Returns the state afterwards, the
    /// executor's report and the failures.
    private func execute(_ plan: SyncPlan, from state: ManagedState, store: StateStore, iam: IAMReader.Result)
        -> (state: ManagedState, report: PlanExecutor.Report?, failures: Int)
    {
        if plan.isNoOp(from: state) {
            logger.info("nothing to change")
            return (state, nil, 0)
        }
        logger.notice(
            plan.actions.isEmpty
                ? "no account changes; updating the state file"
                : "applying \(Self.count(plan.actions.count, "change"))")
        // Revocation first: users who lose access leave the index before any action runs, so the key command stops
        // serving them even if an action fails or the run is killed.
        var failures = writeIndex(store: store, state: plan.intentState, iam: iam)
        let meter = progressMeter(for: plan)
        let executed = executor(store: store, meter: meter).execute(plan, from: state)
        meter?.finish()
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
        return (executed.state, executed, failures)
    }

    /// Writes what follows from the run's final `state`: the state file when `plan` rebuilds it, the index, and
    /// the key cache entries of deleted accounts; returns how many writes failed (each logged).
    private func write(
        _ state: ManagedState, of plan: SyncPlan, before: ManagedState, store: StateStore, iam: IAMReader.Result
    ) -> Int {
        var failures = 0
        if plan.rebuildsState {
            do {
                try store.saveState(state)
            } catch {
                failures += 1
                logger.error("cannot write \(store.statePath): \(error)")
            }
        }
        failures += writeIndex(store: store, state: state, iam: iam)
        return failures + forgetDeletedAccounts(before: before, after: state)
    }

    /// Prints the JSON report if asked, logs the summary and returns the outcome.
    private func finish(_ plan: SyncPlan, report: PlanExecutor.Report?, state: ManagedState, failures: Int)
        -> Outcome
    {
        let clean = plan.complete && failures == 0
        if options.json {
            let outcomes = report?.outcomes ?? ActionOutcomes(count: plan.actions.count)
            dependencies.output(PlanReport(plan: plan, outcomes: outcomes).json().text())
        }
        let summary =
            "\(clean ? "done" : "done with problems (exit 4)"): "
            + "\(Self.count(report?.completed.count ?? 0, "change")) applied, "
            + "\(Self.count(state.accounts.count, "managed account"))"
        logger.notice("\(summary)")
        return Outcome(
            exitCode: clean ? .ok : .partial, plan: plan, report: report, failures: failures,
            managedAccounts: state.accounts.count)
    }

    /// The progress meter for `plan`'s account creations, when the run shows progress and creates any.
    func progressMeter(for plan: SyncPlan) -> ProgressMeter? {
        guard let console = dependencies.progressConsole else { return nil }
        let creations = plan.actions.count { if case .createUser = $0 { true } else { false } }
        guard creations > 0 else { return nil }
        return ProgressMeter(total: creations, time: dependencies.time, console: console)
    }

    /// The executor over this run's dependencies; with a `meter`, each account created advances it.
    private func executor(store: StateStore, meter: ProgressMeter? = nil) -> PlanExecutor {
        let commands = AccountCommands(configuration: settings.configuration, paths: dependencies.paths)
        let runner: any ProcessRunning =
            meter.map {
                ProgressRunner(inner: dependencies.runner, accountProgram: commands.useraddProgram, meter: $0)
            } ?? dependencies.runner
        return PlanExecutor(
            host: .init(
                runner: runner, accounts: dependencies.accounts, processes: dependencies.processes,
                time: dependencies.time, fileSystem: dependencies.fileSystem, accountFiles: dependencies.accountFiles),
            commands: commands,
            sudoers: SudoersInstaller(
                fileSystem: dependencies.fileSystem, runner: dependencies.runner, commands: commands,
                checkDirectory: store.directory),
            store: store, gracePeriod: dependencies.gracePeriod,
            logger: meter.map { meter in
                Logger(label: logger.label) { _ in ProgressLogHandler(inner: logger.handler, meter: meter) }
            } ?? logger)
    }

    /// Writes managed-users.json for `state` (merged with the previous index, see `ManagedUsersIndex`) when its
    /// content changes or it is missing; returns 1 when it cannot be written (logged), else 0.
    private func writeIndex(store: StateStore, state: ManagedState, iam: IAMReader.Result) -> Int {
        do {
            // The previous index matters only for what this run did not observe; a complete read skips decoding it.
            let previous =
                ManagedUsersIndex.needsPrevious(state: state, observed: iam.observed) ? store.loadIndex() : nil
            let index = ManagedUsersIndex(state: state, observed: iam.observed, previous: previous)
            if try store.saveIndex(index) { logger.info("wrote \(store.indexPath)") }
            return 0
        } catch {
            logger.error("cannot write \(store.indexPath): \(error); the key command keeps using the previous one")
            return 1
        }
    }

    /// Logs the plan's conflicts, skipped users, unassigned UIDs and notices; returns how many are errors.
    private func log(_ plan: SyncPlan) -> Int {
        for unassigned in plan.unassignedUIDs { logger.error("\(unassigned.message)") }
        for conflict in plan.conflicts { logger.warning("conflict: \(conflict.message)") }
        for skipped in plan.skipped { logger.warning("skipped: \(skipped.message)") }
        for notice in plan.notices {
            switch notice.severity {
            case .info: logger.info("\(notice.message)")
            case .warning: logger.warning("\(notice.message)")
            case .error: logger.error("\(notice.message)")
            }
        }
        return plan.unassignedUIDs.count + plan.notices.count { $0.severity == .error }
    }

    /// "1 change", "3 changes".
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
