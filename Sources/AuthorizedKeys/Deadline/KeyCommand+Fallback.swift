import AWSCore
import EC2SSHCore
public import EC2SSHShared
import Synchronization

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

extension KeyCommand {
    /// What a key command run may print if it does not finish in time, shared between the run and its watchdog.
    ///
    /// The run publishes what it knows as it goes (the request, then, once the account is granted, the cached keys
    /// and when IAM gave them); the watchdog (`KeyCommand.Watchdog`) calls `preempt` shortly before KEY_COMMAND_TIMEOUT.
    /// Exactly one of them answers: the run calls `finish()` before printing or logging anything, and whichever of
    /// `finish()` and `preempt` comes first wins. A preempting watchdog serves what the stale-cache rules allow at that
    /// moment (KEY_CACHE_STALE_MAX), with an audit line recording the timeout.
    public final class Fallback: Sendable {
        /// What the run has published so far.
        public struct Pending: Sendable, Equatable {
            /// The audit record as it stands (request, IAM identity once granted).
            public var audit: KeyCommand.Audit
            /// The cached keys the stale-cache rules may serve (validated), empty when there are none.
            public var cachedKeys: [SSHKeyFetcher.Key]
            /// When IAM gave the cached keys; `nil` when nothing is cached.
            public var fetchedAt: Date?
            /// The keys the run decided to print (its audit says where from), once it has decided; the watchdog then
            /// serves exactly these (for example while the chained command is still running).
            public var decided: [SSHKeyFetcher.Key]?

            /// Creates a record.
            public init(
                audit: KeyCommand.Audit, cachedKeys: [SSHKeyFetcher.Key] = [], fetchedAt: Date? = nil,
                decided: [SSHKeyFetcher.Key]? = nil
            ) {
                self.audit = audit
                self.cachedKeys = cachedKeys
                self.fetchedAt = fetchedAt
                self.decided = decided
            }
        }

        private enum State {
            case running(Pending?)
            case finished
            case preempted
        }

        /// KEY_CACHE_STALE_MAX (and the TTL), applied at the moment of preemption.
        public let policy: KeyCachePolicy
        private let state = Mutex<State>(.running(nil))

        /// Creates the shared record for one run.
        public init(policy: KeyCachePolicy) {
            self.policy = policy
        }

        /// Records what the run knows now; ignored once the run finished or was preempted.
        public func publish(_ pending: Pending) {
            state.withLock { current in
                if case .running = current { current = .running(pending) }
            }
        }

        /// Called by the run when it has its answer: true when it may print and log it, false when the watchdog has
        /// already answered (the process is about to end).
        public func finish() -> Bool {
            state.withLock { current in
                switch current {
                case .running:
                    current = .finished
                    return true
                case .finished:
                    return true
                case .preempted:
                    return false
                }
            }
        }

        /// Called by the watchdog when `deadline` is about to be reached: the outcome to print and log instead of
        /// the run's, dated by `deadline`'s clock, or `nil` when the run has already finished.
        public func preempt(_ deadline: Deadline) -> KeyCommand.Outcome? {
            let now = deadline.time.now()
            let elapsed = deadline.elapsed
            let timeout = deadline.limit
            let pending: Pending? = state.withLock { current in
                guard case .running(let pending) = current else { return nil }
                current = .preempted
                return pending ?? Pending(audit: KeyCommand.Audit(localUser: "?"))
            }
            guard let pending else { return nil }
            var audit = pending.audit
            audit.record(
                error: AWSError.timeout(
                    detail: "the run was about to reach KEY_COMMAND_TIMEOUT (\(Int(timeout)) s) after "
                        + "\(Int((elapsed * 1000).rounded())) ms; the watchdog ended it"))
            audit.durationMilliseconds = Int((elapsed * 1000).rounded())
            if let decided = pending.decided {
                return KeyCommand.Outcome(lines: decided.map(\.key.line), audit: audit)
            }
            var lines: [String] = []
            if audit.refusal == nil, let fetchedAt = pending.fetchedAt,
                policy.servesStale(fetchedAt: fetchedAt, now: now)
            {
                let selected = KeyCommand.select(pending.cachedKeys, fingerprint: audit.fingerprint)
                audit.source = .staleCache
                audit.keyIDs = selected.map(\.id)
                lines = selected.map(\.key.line)
            }
            return KeyCommand.Outcome(lines: lines, audit: audit)
        }
    }
}
