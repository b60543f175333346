#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// What a clean run that changed nothing leaves in STATE_DIR, so that the next run with the same inputs can stop
/// right after its reads instead of decoding the state and planning again.
///
/// The digest covers every input of the plan (`RunInputs`: the configuration, the program, the identities of the
/// account files, the sudoers files, login.defs, the state and index files, and what IAM answered). The plan is a
/// function of those inputs and of the time, and time matters only through access expiries: the record holds from
/// `recordedAt` until `validUntil`, the earliest expiry still ahead at the recording run. A run whose inputs hash
/// to the same digest within that window would plan nothing again, so it may skip planning.
public struct UnchangedRunRecord: Sendable, Equatable, Codable {
    /// The file name inside STATE_DIR.
    public static let fileName = "unchanged-run.json"
    /// The format of the file, also part of every digest.
    public static let format = 1
    /// Seconds a file must have been left alone before the run for its identity to count (see `settled`).
    public static let settleSeconds = 2.0

    /// The format this record was written in.
    public var format: Int
    /// Lowercase hex SHA-256 of the inputs.
    public var digest: String
    /// When the recording run started.
    public var recordedAt: Date
    /// The earliest access expiry after `recordedAt`, if any: the record does not hold from then on.
    public var validUntil: Date?
    /// The managed accounts the recording run left, reported again by the runs it lets stop early.
    public var managedAccounts: Int

    /// Creates a record.
    public init(digest: String, recordedAt: Date, validUntil: Date?, managedAccounts: Int) {
        format = Self.format
        self.digest = digest
        self.recordedAt = recordedAt
        self.validUntil = validUntil
        self.managedAccounts = managedAccounts
    }

    /// Whether a run at `now` whose inputs hash to `digest` would plan nothing.
    ///
    /// Not before `recordedAt` (a clock set back could bring back an expired user) and not from `validUntil` on.
    public func holds(digest: String, at now: Date) -> Bool {
        guard format == Self.format, digest == self.digest, now >= recordedAt else { return false }
        if let validUntil, now >= validUntil { return false }
        return true
    }

    /// The earliest of `expiries` after `now`: when a user's access ends and a run has work again.
    public static func validUntil(expiries: some Sequence<Date>, now: Date) -> Date? {
        expiries.filter { $0 > now }.min()
    }

    /// Whether identities whose last changes happened at `changedAt` (seconds since 1970) can be trusted, for a
    /// run that took them at `startedAt`.
    ///
    /// A file changed twice within one tick of its filesystem's clock (some have 1 s or coarser timestamps) can
    /// keep the same times and size; a file changed at least `settleSeconds` before the run took its identity gets
    /// a different time at its next change. Like git's "racily clean" check.
    public static func settled(changedAt: some Sequence<Double>, startedAt: Date) -> Bool {
        let limit = startedAt.timeIntervalSince1970 - settleSeconds
        return changedAt.allSatisfy { $0 < limit }
    }

    /// Whether `plan` may be recorded as unchanged: complete, nothing to do from `state`, nothing to warn about
    /// (so that warnings are logged at every run) and no name held back by the name service.
    public static func mayRecord(_ plan: SyncPlan, from state: ManagedState, unavailableNames: Int) -> Bool {
        plan.complete && plan.isNoOp(from: state) && !plan.rebuildsState && plan.conflicts.isEmpty
            && plan.skipped.isEmpty && plan.unassignedUIDs.isEmpty && unavailableNames == 0
            && plan.notices.allSatisfy { $0.severity == .info }
    }

    /// The record as the bytes of its file.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return try encoder.encode(self)
    }

    /// The record in `data`, or `nil` when it is not one this version wrote (the run then does all its work).
    public static func decoded(from data: Data) -> UnchangedRunRecord? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        guard let record = try? decoder.decode(UnchangedRunRecord.self, from: data), record.format == format else {
            return nil
        }
        return record
    }
}
