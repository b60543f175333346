import EC2SSHCore
import EC2SSHShared
import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The persistent "adoption pending" marker of a migration from the bash tool (see `LegacyAdoption`).
extension ImportRun {
    /// Writes the marker (STATE_DIR must exist and be safe); throws `ImportError.adoptionNotRecorded`.
    func recordAdoptionPending(store: StateStore, at date: Date) throws {
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

    /// This run's adoption decision and the marker as read (the lock is held).
    func legacyAdoption(store: StateStore) throws -> (LegacyAdoption, [UInt8]?) {
        let marker: [UInt8]?
        do {
            marker = try store.loadAdoptionPending()
        } catch {
            throw ImportError.unusableStateFile(path: store.adoptionPendingPath, detail: "cannot read it: \(error)")
        }
        let legacy = LegacyAdoption(
            requested: options.adoptLegacyAccounts, pending: marker != nil, dryRun: options.dryRun)
        if legacy.pending && !legacy.requested {
            let path = store.adoptionPendingPath
            logger.notice(
                "adoption of the bash aws-ec2-ssh's accounts is pending (\(path)): this run adopts them as with --adopt-legacy-accounts"
            )
        }
        return (legacy, marker)
    }

    /// Removes the marker after the first clean run that adopted, unless it changed since the run read it;
    /// returns 1 (logged) when it cannot be removed, else 0.
    func clearAdoptionPending(store: StateStore, marker: [UInt8]) -> Int {
        do {
            if try store.clearAdoptionPending(ifStill: marker) {
                logger.notice(
                    "adoption of the bash aws-ec2-ssh's accounts is done; removed \(store.adoptionPendingPath)")
            } else {
                logger.info("\(store.adoptionPendingPath) was rewritten during this run; the next run adopts again")
            }
            return 0
        } catch {
            logger.error(
                "cannot remove \(store.adoptionPendingPath): \(error); the next run adopts again; remove it by hand")
            return 1
        }
    }
}
