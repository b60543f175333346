public import AWSCore
public import EC2SSHCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// A fleet reader's refresh: one conditional GET of SNAPSHOT_URL, the check, and the store; whatever happens it
/// ends with the newest verified copy it has, or none.
///
/// A `304` (or a fetched object with the serial and digest already held) only records when S3 was asked; a new
/// verified snapshot is stored before it is used; a refused snapshot or a failed GET leaves the stored copy as it
/// is and is reported in `Result.problems` for the caller to log loudly.
public struct FleetSnapshotFetcher: Sendable {
    /// Reads the object.
    public let s3: any S3ObjectReading
    /// SNAPSHOT_URL.
    public let location: S3Location
    /// The verification policy.
    public let check: FleetSnapshotCheck
    /// Where the verified copy lives.
    public let store: FleetSnapshotStore

    /// A fetcher from its parts.
    public init(s3: any S3ObjectReading, location: S3Location, check: FleetSnapshotCheck, store: FleetSnapshotStore) {
        self.s3 = s3
        self.location = location
        self.check = check
        self.store = store
    }

    /// What a refresh ended with.
    public struct Result: Sendable {
        /// The newest verified copy (fetched now or stored before), `nil` when there is none.
        public var copy: FleetVerifiedCopy?
        /// Whether S3 answered (200 or 304) this time.
        public var fetched: Bool
        /// Whether the copy is a snapshot new to this host (stored now).
        public var changed: Bool
        /// What went wrong (failed GET, refused snapshot, unusable stored copy), one sentence each.
        public var problems: [String]
    }

    /// The stored copy and state as they are, without asking S3 (`problems` says why a copy is unusable).
    public func local() -> (copy: FleetVerifiedCopy?, state: FleetReaderState?, problems: [String]) {
        var problems: [String] = []
        var state: FleetReaderState?
        do {
            state = try store.loadState()
        } catch {
            problems.append("\(error)")
        }
        var copy: FleetVerifiedCopy?
        do {
            copy = try store.loadVerified(check)
        } catch {
            problems.append("the stored copy \(store.path) is not used: \(error)")
        }
        return (copy, state, problems)
    }

    /// Asks S3 once (conditionally when a verified copy is held) and returns the newest verified copy.
    ///
    /// `held` is the stored copy (verified) and state when the caller has just read them with `local()`, so they
    /// are not read and verified a second time; `nil` reads them here.
    ///
    /// With `adopting`, `held` is another store's copy (import_users' in STATE_DIR, newer than this store's): its
    /// ETag makes the GET conditional, and when S3 answers that it is current its bytes are stored here, so that a
    /// new serial is downloaded once per host, not once per reader of the object.
    public func refresh(
        now: Date, held: (copy: FleetVerifiedCopy?, state: FleetReaderState?)? = nil, adopting: Bool = false
    ) -> Result {
        var (copy, state, problems) = held.map { ($0.copy, $0.state, [String]()) } ?? local()
        let adopt = adopting && copy != nil
        let heldMark = [copy.map { FleetSnapshotMark($0.manifest) }, state?.mark].compactMap { $0 }
            .max { $0.serial < $1.serial }
        let answer: S3GetResult
        do {
            answer = try s3.getObject(location, ifNoneMatch: copy == nil ? nil : state?.etag)
        } catch {
            problems.append(
                "cannot fetch the fleet snapshot s3://\(location.bucket)/\(location.key): \(error); "
                    + (copy == nil ? "there is no verified copy to use" : "using the verified copy \(store.path)"))
            return Result(copy: copy, fetched: false, changed: false, problems: problems)
        }
        guard case .object(let object) = answer else {
            if let copy { problems += record(copy, etag: state?.etag, now: now, adopt: adopt) }
            return Result(copy: copy, fetched: true, changed: false, problems: problems)
        }
        switch check.check(object.body, lastApplied: heldMark, now: now) {
        case .refused(let refusal):
            problems.append(
                "refused the fleet snapshot s3://\(location.bucket)/\(location.key): \(refusal); "
                    + (copy == nil ? "there is no verified copy to use" : "keeping the verified copy \(store.path)"))
            return Result(copy: copy, fetched: true, changed: false, problems: problems)
        case .unchanged:
            if let copy { problems += record(copy, etag: object.etag, now: now, adopt: adopt) }
            if copy != nil { return Result(copy: copy, fetched: true, changed: false, problems: problems) }
            fallthrough
        case .apply, .stale:
            let verified: FleetSnapshotCheck.Verified
            switch object.body.withUnsafeBufferPointer({ check.verify($0) }) {
            case .success(let value): verified = value
            case .failure(let refusal):
                problems.append("refused the fleet snapshot: \(refusal)")
                return Result(copy: copy, fetched: true, changed: false, problems: problems)
            }
            let fetched = FleetVerifiedCopy(bytes: object.body, verified: verified)
            do {
                try store.save(
                    envelope: object.body,
                    state: FleetReaderState(manifest: verified.manifest, etag: object.etag, checkedAt: now))
            } catch {
                problems.append(
                    "cannot store the verified fleet snapshot at \(store.path): \(error); using it this run")
            }
            return Result(copy: fetched, fetched: true, changed: true, problems: problems)
        }
    }

    /// Records that S3 confirmed `copy` at `now` (storing its bytes too when it is adopted from another store);
    /// returns the problem, if any.
    private func record(_ copy: FleetVerifiedCopy, etag: String?, now: Date, adopt: Bool) -> [String] {
        do {
            try store.save(
                envelope: adopt ? copy.bytes : nil,
                state: FleetReaderState(manifest: copy.manifest, etag: etag, checkedAt: now))
            return []
        } catch {
            return ["cannot write \(store.statePath): \(error)"]
        }
    }
}
