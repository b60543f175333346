import AWSCore
import EC2SSHCore
import EC2SSHShared
import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Fleet reader mode (SNAPSHOT_URL set): IAM is read from the verified snapshot instead of from IAM.
extension ImportRun {
    /// The IAM read of a fleet reader: the snapshot refreshed and read through `IAMReader` as if it were IAM.
    ///
    /// One conditional GET refreshes the snapshot. A stale snapshot is held as an incomplete read; a failed GET or a refused
    /// snapshot falls back to the verified copy, logged as an error (the run then exits 4). Without any verified
    /// copy nothing is known and the run stops before planning.
    func readFleet(_ fetcher: FleetSnapshotFetcher, state: () throws -> ManagedState?) throws
        -> (IAMReader.Result, Int)
    {
        let configuration = settings.configuration
        if configuration.snapshotAllowUnsigned {
            let url = configuration.snapshotURL?.text ?? "the snapshot"
            logger.warning(
                "SNAPSHOT_ALLOW_UNSIGNED=1: unsigned fleet snapshots are accepted; anyone who can write \(url) decides who logs in here (tests only)"
            )
        }
        let now = dependencies.time.now()
        let result = fetcher.refresh(now: now)
        for problem in result.problems { logger.error("\(problem)") }
        guard let copy = result.copy else {
            throw ImportError.iamUnreadable(
                reads: result.problems.isEmpty ? ["no verified fleet snapshot"] : result.problems,
                advice: "check SNAPSHOT_URL, the host's s3:GetObject permission and SNAPSHOT_PUBLIC_KEY; nothing "
                    + "was changed")
        }
        let snapshot: FleetSnapshot
        do {
            snapshot = try copy.decodeSnapshot()
        } catch {
            throw ImportError.iamUnreadable(reads: ["the verified fleet snapshot does not decode: \(error)"])
        }
        let manifest = copy.manifest
        let how = result.changed ? "new" : result.fetched ? "unchanged" : "verified local copy"
        logger.info("fleet snapshot serial \(manifest.serial) of \(snapshotTime(manifest.generated)) (\(how))")
        let source = FleetSnapshotAWSReader(snapshot: snapshot, instance: dependencies.aws)
        var read = try IAMReader(
            source: source, request: IAMReader.Request(configuration: configuration), logger: logger
        ).read()
        let age = fetcher.check.age(of: manifest, now: now)
        if age > fetcher.check.maximumAge {
            let reason =
                "fleet snapshot serial \(manifest.serial) is \(Int(age)) s old (SNAPSHOT_MAX_AGE="
                + "\(configuration.snapshotMaxAge)): the publisher has not published or re-signed it"
            let held =
                "applied as an incomplete read: no account is deleted, locked or created and no sudo or group "
                + "membership changes until a fresh snapshot arrives"
            logger.error("\(reason); \(held)")
            // Only accounts that have access now: a locked account is not unlocked by a stale snapshot either.
            let accounts = try state()?.accounts.values
            let managed = Set(accounts.map { $0.filter(\.grantsAccess).map(\.iamUserName) } ?? [])
            read.view = read.view.heldForStaleSnapshot(reason: reason, managedIAMNames: managed)
        }
        return (read, result.problems.count)
    }

    /// `date` as an ISO-8601 UTC time for a log line.
    private func snapshotTime(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
