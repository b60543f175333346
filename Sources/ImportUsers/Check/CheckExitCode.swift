public import EC2SSHCore

/// The exit statuses of `import_users check`, documented in its `--help`.
public enum CheckExitCode: Int32, Sendable, Equatable, CaseIterable {
    /// Every needed action is allowed.
    case ok = 0
    /// An unexpected internal error.
    case internalError = 1
    /// The configuration file cannot be used.
    case configuration = 2
    /// Nothing was denied, but at least one action could not be checked (network, timeout, throttling, 5xx,
    /// credentials).
    case incomplete = 3
    /// At least one needed action is denied.
    case denied = 8

    /// The status for a report's verdict.
    public init(_ verdict: PermissionReport.Verdict) {
        switch verdict {
        case .allowed: self = .ok
        case .denied: self = .denied
        case .incomplete: self = .incomplete
        }
    }

    /// One line per exit status for the `--help` text.
    public static var helpText: String {
        """
        0  every action the configuration needs is allowed
        1  unexpected internal error
        2  the configuration file cannot be used
        3  nothing was denied, but some actions could not be checked
           (network, timeout, throttling, 5xx, credentials)
        8  at least one needed action is denied; the output names
           each and the IAM policy statement to add
        """
    }
}
