/// The exit statuses of import_users, documented in its `--help`.
public enum ImportExitCode: Int32, Sendable, Equatable, CaseIterable {
    /// Everything was read and applied.
    case ok = 0
    /// An unexpected internal error.
    case internalError = 1
    /// The configuration file (invalid, or not root's and root-only-writable) or the state file cannot be used,
    /// or the run is not root; nothing was changed.
    case configuration = 2
    /// IAM could not be read at all; nothing was changed.
    case aws = 3
    /// A partial run: an IAM read was incomplete so the guards held, an action failed (the other accounts were
    /// still applied), the plan has errors, or the key cache could not be refreshed (KEY_CACHE_TTL above 0).
    case partial = 4
    /// Another import_users run holds the lock.
    case lockHeld = 5
    /// DONOTSYNC=1 is set in the configuration.
    case doNotSync = 6
    /// state.json is missing while the marker group has members; nothing was changed (see `--rebuild-state`).
    case stateMissing = 7

    /// One line per exit status for the `--help` text.
    public static var helpText: String {
        """
        0  success
        1  unexpected internal error
        2  configuration or environment error (bad or missing --config
           file, a config not owned by root or writable by others, bad
           state file, unsafe STATE_DIR, not run as root); nothing
           changed
        3  AWS error: IAM could not be read; nothing changed
        4  partial run: an IAM read failed (the locks, deletions and
           sudo or group changes it could affect held back), an
           action failed (the other accounts were still applied),
           the plan has errors, or the key cache
           (KEY_CACHE_TTL) could not be refreshed
        5  another import_users run holds the lock
        6  DONOTSYNC=1 is set; nothing was done
        7  state.json is missing but the marker group has members;
           nothing changed: run import_users --rebuild-state --dry-run,
           then import_users --rebuild-state
        """
    }
}
