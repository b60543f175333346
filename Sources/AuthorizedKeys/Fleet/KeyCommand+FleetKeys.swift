import AWSCore
import EC2SSHCore
public import EC2SSHShared
import Logging

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

extension KeyCommand {
    /// Where a fleet reader's key command (SNAPSHOT_URL set) takes keys from: the newest verified copy of the fleet
    /// snapshot, its own (KEY_CACHE_DIR/fleet-snapshot) or import_users' (STATE_DIR/fleet-snapshot).
    ///
    /// When neither copy was confirmed by S3 within SNAPSHOT_REFRESH, one conditional GET (bounded by the login
    /// deadline) refreshes its own copy first; any failure falls back to the verified copies. A copy that does not
    /// verify is never used, and of the verified ones the highest serial wins.
    public struct FleetKeys: Sendable {
        /// The refresh into KEY_CACHE_DIR/fleet-snapshot.
        public let fetcher: FleetSnapshotFetcher
        /// import_users' copy in STATE_DIR (read only).
        public let importCopy: FleetSnapshotStore
        /// SNAPSHOT_REFRESH in seconds.
        public let refresh: TimeInterval
        /// IAM_AUTHORIZED_GROUPS: the IAM user must be in one of them (per the snapshot); empty: anyone.
        public let authorizedGroups: [String]

        /// Creates the source from its parts.
        public init(
            fetcher: FleetSnapshotFetcher, importCopy: FleetSnapshotStore, refresh: TimeInterval,
            authorizedGroups: [String]
        ) {
            self.fetcher = fetcher
            self.importCopy = importCopy
            self.refresh = refresh
            self.authorizedGroups = authorizedGroups
        }

        /// The newest verified copy at `now`, whether S3 was asked, and what went wrong on the way.
        ///
        /// Each copy is read and verified at most once per login, and most logins verify only one: the two state
        /// files (small) say which copy claims the higher serial, and that one is read and verified first; the
        /// other only when the first is missing, fails the check, or verifies with a serial below the other's
        /// claim. Whatever is served passed the full check (signature, location, length, SHA-256) just now.
        public func copy(now: Date) -> (copy: FleetVerifiedCopy?, askedS3: Bool, problems: [String]) {
            var problems: [String] = []
            let candidates = [
                Candidate(store: fetcher.store, state: Self.state(of: fetcher.store, &problems), own: true),
                Candidate(store: importCopy, state: Self.state(of: importCopy, &problems), own: false),
            ].sorted { $0.claim > $1.claim }
            var verified: [FleetVerifiedCopy] = []
            var confirmed: [Date] = []
            var own: (copy: FleetVerifiedCopy?, state: FleetReaderState?)?
            var imported: (copy: FleetVerifiedCopy, state: FleetReaderState?)?
            for candidate in candidates {
                if let best = verified.first, best.manifest.serial >= candidate.claim.serial {
                    // Not read: the copy served is at least as new as this one claims to be, so S3's last word on
                    // this one bounds the served copy's freshness too.
                    if let checked = candidate.state?.checkedAt { confirmed.append(checked) }
                    continue
                }
                var copy: FleetVerifiedCopy?
                do {
                    copy = try candidate.store.loadVerified(fetcher.check)
                } catch {
                    problems.append("the copy \(candidate.store.path) is not used: \(error)")
                }
                if candidate.own { own = (copy, candidate.state) }
                guard let copy else { continue }
                if !candidate.own { imported = (copy, candidate.state) }
                verified.append(copy)
                if let checked = candidate.state?.checkedAt { confirmed.append(checked) }
            }
            var askedS3 = false
            if confirmed.max().map({ now.timeIntervalSince($0) >= refresh || now < $0 }) ?? true {
                // import_users' copy, when it is newer than ours, is what S3 is asked about: a 304 then makes it
                // ours without downloading the object a second time on this host.
                let ownSerial =
                    own.map { $0.copy?.manifest.serial ?? 0 }
                    ?? candidates.first(where: \.own)?.claim.serial ?? 0
                let result: FleetSnapshotFetcher.Result
                if let imported, imported.copy.manifest.serial > ownSerial {
                    result = fetcher.refresh(now: now, held: (imported.copy, imported.state), adopting: true)
                } else {
                    result = fetcher.refresh(now: now, held: own)
                }
                askedS3 = true
                problems += result.problems
                if let copy = result.copy { verified.append(copy) }
            }
            let newest = verified.max { $0.manifest.serial < $1.manifest.serial }
            return (newest, askedS3, problems)
        }

        /// One of the two copies, with what its state file claims.
        struct Candidate {
            /// Where the copy lives.
            let store: FleetSnapshotStore
            /// Its state file, `nil` when there is none or it is unreadable.
            let state: FleetReaderState?
            /// Whether it is the key command's own copy (the one a refresh updates).
            let own: Bool

            /// What the state claims: the serial, then when S3 last confirmed it (the more recent first on a tie).
            var claim: (serial: UInt64, checkedAt: Date) {
                (state?.serial ?? 0, state?.checkedAt ?? .distantPast)
            }
        }

        /// The state file of `store`, `nil` when there is none; a corrupt one is reported in `problems`.
        static func state(of store: FleetSnapshotStore, _ problems: inout [String]) -> FleetReaderState? {
            do {
                return try store.loadState()
            } catch {
                problems.append("\(error)")
                return nil
            }
        }
    }

    /// Our keys for `grant` from the fleet snapshot, recording in `audit` what happened.
    func serveFromFleet(_ fleet: FleetKeys, grant: Grant, request: Request, audit: inout Audit)
        -> [SSHKeyFetcher.Key]
    {
        let (copy, _, problems) = fleet.copy(now: deadline.time.now())
        for problem in problems {
            logger.warning("fleet snapshot", metadata: ["user": .string(grant.localName), "problem": .string(problem)])
        }
        guard let copy else {
            audit.record(error: FleetRefusal.malformed("no verified fleet snapshot on this host"))
            return []
        }
        let user: FleetUser?
        do {
            user = try copy.user(named: grant.iamUserName)
        } catch {
            audit.record(error: error)
            return []
        }
        guard let user, user.id == grant.iamUserID else {
            // Not in the snapshot, or another person under the same name (an IAM user deleted and re-created).
            refuse(.iamUserGone(iamUserName: grant.iamUserName), localName: grant.localName, audit: &audit)
            return []
        }
        if !fleet.authorizedGroups.isEmpty && !user.groups.contains(where: fleet.authorizedGroups.contains) {
            refuse(.notInAuthorizedGroups(groups: fleet.authorizedGroups), localName: grant.localName, audit: &audit)
            return []
        }
        var keys: [SSHKeyFetcher.Key] = []
        for key in user.keys {
            switch AuthorizedKeyLine.validate(key.body) {
            case .success(let valid): keys.append(SSHKeyFetcher.Key(id: key.id, key: valid))
            case .failure(let reason):
                logger.warning(
                    "IAM SSH key dropped",
                    metadata: [
                        "user": .string(grant.localName), "iam_user": .string(grant.iamUserName),
                        "key_id": .string(key.id), "reason": .string(reason.description),
                    ])
            }
        }
        return served(keys, source: .fleetSnapshot, request: request, audit: &audit)
    }
}
