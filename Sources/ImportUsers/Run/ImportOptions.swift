/// The command-line choices of one import_users run.
public struct ImportOptions: Sendable, Equatable {
    /// Print the plan and change nothing.
    public var dryRun: Bool
    /// Print the plan as JSON on standard output instead of text.
    public var json: Bool
    /// Override the MAX_DELETE_PERCENT cap for this run.
    public var force: Bool
    /// Adopt accounts made by the bash aws-ec2-ssh (one-time migration).
    public var adoptLegacyAccounts: Bool
    /// Rebuild a missing state.json from the marker group and managed-users.json (adoption semantics).
    public var rebuildState: Bool

    /// Creates options; every flag is off by default.
    public init(
        dryRun: Bool = false, json: Bool = false, force: Bool = false, adoptLegacyAccounts: Bool = false,
        rebuildState: Bool = false
    ) {
        self.dryRun = dryRun
        self.json = json
        self.force = force
        self.adoptLegacyAccounts = adoptLegacyAccounts
        self.rebuildState = rebuildState
    }

    /// Whether the command line asks for adoption: `--adopt-legacy-accounts`, or `--rebuild-state`.
    ///
    /// A run also adopts while an earlier `--adopt-legacy-accounts` is pending (`LegacyAdoption`).
    public var adoptsAccounts: Bool { adoptLegacyAccounts || rebuildState }
}
