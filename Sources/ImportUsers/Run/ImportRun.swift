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

    /// The configuration file, read.
    let settings: ToolSettings
    /// The command line's choices.
    let options: ImportOptions
    /// The host and AWS.
    let dependencies: ImportDependencies
    /// Where the run logs.
    let logger: Logger

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

    /// Checks who runs and DONOTSYNC, takes the lock, syncs, and records the run's status (not on a dry run).
    private func runLocked(startedAt: Date) throws -> Outcome {
        guard dependencies.effectiveUID == 0 else { throw ImportError.notRoot(uid: dependencies.effectiveUID) }
        let configuration = settings.configuration
        let store = StateStore(directory: configuration.stateDir, fileSystem: dependencies.fileSystem)
        if LegacyAdoption(requested: options.adoptLegacyAccounts, pending: false, dryRun: options.dryRun).records {
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
}
