#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// Whether an import_users run adopts the accounts the bash aws-ec2-ssh made, and what it does with the
/// persistent "adoption pending" marker (STATE_DIR/adopt-legacy-accounts.pending).
///
/// `--adopt-legacy-accounts` records the marker before anything else; every later run adopts as if the flag were
/// given until one run completes cleanly (exit 0), which removes it. So a migration whose first import failed
/// still adopts the bash tool's users on the next run, whatever runs next (cron, a hand-run `import_users`),
/// instead of turning them into conflicts. A dry run reads the marker but never writes or removes it.
public struct LegacyAdoption: Sendable, Equatable {
    /// The marker's file name inside STATE_DIR.
    public static let markerFileName = "adopt-legacy-accounts.pending"

    /// `--adopt-legacy-accounts` was given.
    public var requested: Bool
    /// The marker existed when the run read it.
    public var pending: Bool
    /// `--dry-run` was given.
    public var dryRun: Bool

    /// Creates the decision for one run.
    public init(requested: Bool, pending: Bool, dryRun: Bool) {
        self.requested = requested
        self.pending = pending
        self.dryRun = dryRun
    }

    /// Whether the run writes the marker before anything else (a real run with the flag).
    public var records: Bool { requested && !dryRun }

    /// Whether the run adopts legacy accounts.
    public var adopts: Bool { requested || pending }

    /// Whether the run removes the marker, given whether it completed cleanly (exit status 0).
    public func clears(completedCleanly: Bool) -> Bool {
        !dryRun && adopts && completedCleanly
    }

    /// How the option is named in messages: the flag, or the pending request from an earlier run.
    public var optionName: String {
        requested ? "--adopt-legacy-accounts" : "--adopt-legacy-accounts (pending from an earlier run)"
    }

    /// The marker's content: a small JSON document saying when and by which version adoption was requested.
    public static func marker(requestedAt: Date, version: String) -> [UInt8] {
        marker(fields: [
            ("requestedAt", .string(requestedAt.formatted(.iso8601))),
            ("requestedBy", .string("import_users --adopt-legacy-accounts")),
            ("version", .string(version)),
        ])
    }

    /// The marker a migration from the bash tool leaves when it skips the first import (`setup install
    /// --no-first-import`): the first scheduled run then adopts instead of refusing to run.
    public static func migrationMarker() -> [UInt8] {
        marker(fields: [("requestedBy", .string("import_users setup install --no-first-import (migration)"))])
    }

    /// The marker document with `fields` after its format and before its meaning.
    private static func marker(fields: [(String, JSONValue)]) -> [UInt8] {
        let document = JSONValue.object(
            [("format", .int(1))] + fields + [
                (
                    "meaning",
                    .string(
                        "every import_users run adopts the bash aws-ec2-ssh's accounts until one run completes with exit "
                            + "status 0, which removes this file")
                )
            ])
        return Array(document.text().utf8)
    }
}
