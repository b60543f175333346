#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// What one import_users run did, for STATE_DIR/last-run.json and the Prometheus textfile (METRICS_FILE).
public struct RunStatus: Sendable, Equatable {
    /// The format of last-run.json.
    public static let format = 1
    /// The file name of the status inside STATE_DIR.
    public static let fileName = "last-run.json"

    /// What a run changed and what went wrong, counted.
    public struct Counts: Sendable, Equatable {
        /// Accounts created.
        public var created = 0
        /// Existing accounts whose groups or sudo changed.
        public var updated = 0
        /// Accounts locked.
        public var locked = 0
        /// Accounts deleted.
        public var deleted = 0
        /// Local accounts left alone because they have an IAM user's name but are not ours.
        public var conflicts = 0
        /// Failed actions, failed IAM reads and other errors (at least 1 when the run failed).
        public var failures = 0

        /// Creates counts.
        public init(
            created: Int = 0, updated: Int = 0, locked: Int = 0, deleted: Int = 0, conflicts: Int = 0,
            failures: Int = 0
        ) {
            self.created = created
            self.updated = updated
            self.locked = locked
            self.deleted = deleted
            self.conflicts = conflicts
            self.failures = failures
        }

        /// The counts of the applied actions of `plan` (by `outcomes`), its conflicts, and `failures`.
        public init(plan: SyncPlan, outcomes: ActionOutcomes?, failures: Int) {
            var updatedNames: Set<String> = []
            var createdOrDeleted: Set<String> = []
            for (index, action) in plan.actions.enumerated() where outcomes?[index] == .applied {
                switch action {
                case .createGroup: break
                case .createUser(let name, _, _, _):
                    created += 1
                    createdOrDeleted.insert(name)
                case .deleteUser(let name, _, _):
                    deleted += 1
                    createdOrDeleted.insert(name)
                case .lockUser:
                    locked += 1
                case .addToGroups(let name, _), .removeFromGroups(let name, _), .writeSudoers(let name, _, _),
                    .removeSudoers(let name, _), .removeLegacySudoers(let name, _), .unlockUser(let name):
                    updatedNames.insert(name)
                }
            }
            updated = updatedNames.subtracting(createdOrDeleted).count
            conflicts = plan.conflicts.count
            self.failures = failures
        }
    }

    /// When the run started.
    public var startedAt: Date
    /// When it ended.
    public var finishedAt: Date
    /// Its exit status.
    public var exitCode: Int32
    /// The error that ended it early, if any.
    public var error: String?
    /// What it changed and what went wrong.
    public var counts: Counts
    /// The managed accounts after the run.
    public var managedAccounts: Int
    /// When the last run that exited 0 ended: this one, or the one the previous status names.
    public var lastSuccessAt: Date?
    /// The version of import_users that wrote it.
    public var version: String

    /// Creates a status.
    public init(
        startedAt: Date, finishedAt: Date, exitCode: Int32, error: String?, counts: Counts, managedAccounts: Int,
        lastSuccessAt: Date?, version: String
    ) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.exitCode = exitCode
        self.error = error
        self.counts = counts
        self.managedAccounts = managedAccounts
        self.lastSuccessAt = lastSuccessAt
        self.version = version
    }

    /// `ok` (exit 0), `partial` (exit 4) or `failed` (anything else).
    public var result: String {
        switch exitCode {
        case 0: return "ok"
        case 4: return "partial"
        default: return "failed"
        }
    }

    /// last-run.json: the status as JSON with ISO-8601 UTC times.
    public func json() -> JSONValue {
        .object([
            ("format", .int(Self.format)),
            ("version", .string(version)),
            ("startedAt", .string(Self.iso(startedAt))),
            ("finishedAt", .string(Self.iso(finishedAt))),
            ("durationSeconds", .double(Self.rounded(finishedAt.timeIntervalSince(startedAt)))),
            ("result", .string(result)),
            ("exitCode", .int(Int(exitCode))),
            ("error", .optional(error)),
            ("lastSuccessAt", .optional(lastSuccessAt.map(Self.iso))),
            ("managedAccounts", .int(managedAccounts)),
            (
                "counts",
                .object([
                    ("created", .int(counts.created)), ("updated", .int(counts.updated)),
                    ("locked", .int(counts.locked)), ("deleted", .int(counts.deleted)),
                    ("conflicts", .int(counts.conflicts)), ("failures", .int(counts.failures)),
                ])
            ),
        ])
    }

    /// The same figures in the Prometheus text exposition format, for node_exporter's textfile collector.
    ///
    /// `aws_ec2_ssh_import_last_success_timestamp_seconds` is 0 while no run has succeeded, so an alert on its age
    /// fires for a host that never synced too.
    public func prometheusText() -> String {
        var lines: [String] = []
        func metric(_ name: String, _ help: String, _ samples: [(String, String)]) {
            lines.append("# HELP aws_ec2_ssh_import_\(name) \(help)")
            lines.append("# TYPE aws_ec2_ssh_import_\(name) gauge")
            for (labels, value) in samples { lines.append("aws_ec2_ssh_import_\(name)\(labels) \(value)") }
        }
        metric(
            "last_run_start_timestamp_seconds", "Unix time the last import_users run started.",
            [("", Self.seconds(startedAt))])
        metric(
            "last_run_timestamp_seconds", "Unix time the last import_users run ended.", [("", Self.seconds(finishedAt))]
        )
        metric(
            "last_run_duration_seconds", "How long the last import_users run took.",
            [("", String(Self.rounded(finishedAt.timeIntervalSince(startedAt))))])
        metric(
            "last_run_exit_code", "Exit status of the last import_users run (0 ok, 4 partial).", [("", "\(exitCode)")])
        metric(
            "last_run_success", "1 when the last import_users run exited 0, else 0.", [("", exitCode == 0 ? "1" : "0")])
        metric(
            "last_success_timestamp_seconds", "Unix time the last successful import_users run ended (0: never).",
            [("", lastSuccessAt.map(Self.seconds) ?? "0")])
        metric(
            "last_run_accounts", "Accounts the last import_users run changed, by change.",
            [
                ("{change=\"created\"}", "\(counts.created)"), ("{change=\"updated\"}", "\(counts.updated)"),
                ("{change=\"locked\"}", "\(counts.locked)"), ("{change=\"deleted\"}", "\(counts.deleted)"),
            ])
        metric(
            "last_run_conflicts", "Local accounts left alone because they are not import_users' own.",
            [("", "\(counts.conflicts)")])
        metric(
            "last_run_failures", "Failed actions, failed IAM reads and errors of the last import_users run.",
            [("", "\(counts.failures)")])
        metric("managed_accounts", "Accounts import_users manages.", [("", "\(managedAccounts)")])
        return lines.joined(separator: "\n") + "\n"
    }

    /// The `lastSuccessAt` of a previous last-run.json, or `nil` when it is missing, unreadable or has none.
    public static func previousLastSuccess(from data: Data) -> Date? {
        struct Previous: Decodable { var lastSuccessAt: Date? }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (try? decoder.decode(Previous.self, from: data))?.lastSuccessAt
    }

    private static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    private static func seconds(_ date: Date) -> String {
        String(Int(date.timeIntervalSince1970.rounded(.down)))
    }

    private static func rounded(_ seconds: Double) -> Double {
        (max(0, seconds) * 1000).rounded() / 1000
    }
}
