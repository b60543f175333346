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

/// The shortcut for a run whose inputs are those of the last clean run that changed nothing (SKIP_UNCHANGED_RUNS).
extension ImportRun {
    /// The identities of a run's local inputs, taken before the run read any of them.
    struct UnchangedInputs: Sendable {
        /// Every local input's identity, in a fixed order.
        var identities: [FileIdentity]
        /// When they were taken.
        var takenAt: Date
        /// The digest of the inputs, once IAM was read.
        var digest = ""
    }

    /// The local inputs' identities, when this run may skip planning or record that it changed nothing.
    ///
    /// That is: a plain run (no dry run, JSON, --force, adoption or rebuild), SKIP_UNCHANGED_RUNS=1, no key cache to
    /// refresh (KEY_CACHE_TTL=0), an existing state file and every identity known; else `nil`. On a fleet reader
    /// the read hashed is the snapshot's, as the planner takes it (held when the snapshot is stale).
    func unchangedInputs(store: StateStore) -> UnchangedInputs? {
        let configuration = settings.configuration
        guard configuration.skipUnchangedRuns, configuration.keyCacheTTL == 0,
            !options.dryRun, !options.json, !options.force, !options.adoptsAccounts
        else { return nil }
        let takenAt = dependencies.time.now()
        guard let identities = inputIdentities(store: store),
            identities.contains(where: { $0.path == store.statePath && !$0.isMissing }),
            identities.contains(where: { $0 == .missing(store.adoptionPendingPath) })
        else { return nil }
        return UnchangedInputs(identities: identities, takenAt: takenAt)
    }

    /// The identities of the account databases' files, the program, login.defs, useradd's defaults, the sudoers
    /// directory and each file in it, and the state, index and adoption-pending files; `nil` when one cannot be
    /// told (logged at debug level).
    func inputIdentities(store: StateStore) -> [FileIdentity]? {
        let fileSystem = dependencies.fileSystem
        let paths = dependencies.paths
        do {
            guard var identities = try dependencies.accounts.sourceIdentities() else { return nil }
            var files = [
                paths.runningProgram, paths.loginDefs, paths.useraddDefaults, paths.sudoersDirectory, store.statePath,
                store.indexPath, store.adoptionPendingPath,
            ]
            if try fileSystem.status(paths.sudoersDirectory)?.type == .directory {
                files += try fileSystem.listDirectory(paths.sudoersDirectory).map { paths.sudoersDirectory + "/" + $0 }
            }
            for path in files {
                guard let identity = try fileSystem.identity(path) else { return nil }
                identities.append(identity)
            }
            return identities
        } catch {
            logger.debug("cannot take the identity of the run's inputs (\(error)); the run plans from scratch")
            return nil
        }
    }

    /// The SHA-256 (hex) of the inputs: this version, the settings, `identities` and what IAM answered.
    func inputsDigest(identities: [FileIdentity], iam: IAMReader.Result) -> String {
        var inputs = RunInputs()
        inputs.add("format", String(UnchangedRunRecord.format))
        inputs.add("version", BuildInfo.version)
        inputs.add(configuration: settings.configuration)
        inputs.add("config", settings.path)
        for identity in identities {
            inputs.add("file", identity.path)
            inputs.add("identity", identity.stamp)
        }
        inputs.add(view: iam.view)
        inputs.add(observed: iam.observed)
        for group in iam.missingGroups { inputs.add("missingGroup", group) }
        return Digest.hex(Digest.sha256(inputs.bytes))
    }

    /// The outcome of a run that stops after its reads because `record` holds for its inputs.
    func unchangedOutcome(_ record: UnchangedRunRecord, store: StateStore) -> Outcome {
        let since =
            "nothing to change: IAM and the host are as the clean run of \(record.recordedAt) left them "
            + "(\(store.unchangedRecordPath)); planning skipped"
        logger.info("\(since)")
        logger.notice("done: 0 changes applied, \(Self.count(record.managedAccounts, "managed account"))")
        return Outcome(exitCode: .ok, managedAccounts: record.managedAccounts)
    }

    /// Records that the run with `inputs` changed nothing, when `plan` allows it and no input changed meanwhile:
    /// the next run with the same digest, before the earliest access expiry after `now`, then stops early.
    func recordUnchanged(
        _ inputs: UnchangedInputs, plan: SyncPlan, reading: Reading, now: Date, managedAccounts: Int,
        store: StateStore
    ) {
        guard
            UnchangedRunRecord.mayRecord(
                plan, from: reading.state ?? ManagedState(),
                unavailableNames: reading.host.snapshot.unavailableNames.count)
        else {
            logger.debug("not recorded as unchanged: the plan has warnings, skipped users or held names")
            return
        }
        let recent = inputs.identities.filter {
            !UnchangedRunRecord.settled(changedAt: [$0.changedAt], startedAt: inputs.takenAt)
        }
        guard recent.isEmpty else {
            let paths = recent.prefix(3).map(\.path).joined(separator: ", ")
            logger.debug("not recorded as unchanged: changed less than 2 s before the run: \(paths)")
            return
        }
        let after = inputIdentities(store: store)
        guard after == inputs.identities else {
            let changed = zip(after ?? [], inputs.identities).filter { $0 != $1 }.prefix(3).map(\.1.path)
            logger.debug("not recorded as unchanged: changed during the run: \(changed.joined(separator: ", "))")
            return
        }
        let record = UnchangedRunRecord(
            digest: inputs.digest, recordedAt: now,
            validUntil: UnchangedRunRecord.validUntil(expiries: reading.iam.observed.accessExpiries.values, now: now),
            managedAccounts: managedAccounts)
        do {
            try store.saveUnchangedRecord(record)
        } catch {
            // Only a later run's speed depends on it: that run plans from scratch.
            logger.info("cannot write \(store.unchangedRecordPath): \(error); the next run plans from scratch")
        }
    }
}
