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
        public func copy(now: Date) -> (copy: FleetVerifiedCopy?, askedS3: Bool, problems: [String]) {
            var (own, ownState, problems) = fetcher.local()
            var imported: FleetVerifiedCopy?
            var importedState: FleetReaderState?
            do {
                imported = try importCopy.loadVerified(fetcher.check)
                importedState = imported == nil ? nil : try importCopy.loadState()
            } catch {
                problems.append("the copy \(importCopy.path) is not used: \(error)")
            }
            let checked = [own == nil ? nil : ownState?.checkedAt, importedState?.checkedAt].compactMap { $0 }.max()
            var askedS3 = false
            if checked.map({ now.timeIntervalSince($0) >= refresh || now < $0 }) ?? true {
                let result = fetcher.refresh(now: now)
                askedS3 = true
                problems += result.problems
                own = result.copy
            }
            let newest = [own, imported].compactMap { $0 }.max { $0.manifest.serial < $1.manifest.serial }
            return (newest, askedS3, problems)
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
