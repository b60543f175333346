/// An error of the planning layer: bad persisted state or a setting that cannot be used.
public enum PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The state file could not be decoded.
    case corruptState(detail: String)
    /// The state file was written by a newer version of import_users.
    case unsupportedStateVersion(found: Int, supported: Int)
    /// SUDOERS_RULE is empty, holds a line break or NUL, or ends with a backslash (a sudoers line continuation).
    case invalidSudoersRule(String)
    /// The sudoers file prefix holds characters other than letters, digits, `-` and `_`.
    case invalidSudoersPrefix(String)

    /// A message that says what is wrong and what to do.
    public var description: String {
        switch self {
        case .corruptState(let detail):
            return "the import_users state file is corrupt (\(detail)); restore it from a backup, or move it away and "
                + "rebuild it (import_users --rebuild-state --dry-run, then import_users --rebuild-state); until "
                + "then import_users changes nothing"
        case .unsupportedStateVersion(let found, let supported):
            return "the import_users state file has schema version \(found), this import_users understands up to "
                + "\(supported); install the newer import_users that wrote it"
        case .invalidSudoersRule(let rule):
            return "SUDOERS_RULE \(String(reflecting: rule)) is empty, contains a line break or NUL, or ends with a "
                + "backslash; set a single sudoers rule such as \"ALL=(ALL) NOPASSWD:ALL\""
        case .invalidSudoersPrefix(let prefix):
            return "the sudoers file prefix \(String(reflecting: prefix)) must be non-empty and use only letters, "
                + "digits, '-' and '_' (sudo skips file names containing '.')"
        }
    }
}
