/// How new accounts are created (the ACCOUNT_BACKEND setting).
public enum AccountBackend: String, Equatable, Sendable, CaseIterable {
    /// One USERADD_PROGRAM run per new account (the default).
    case useradd
    /// A prototype: the plain new accounts of a run are written to the account files in one batch (see
    /// `AccountFilesBatch`); every other account still goes through useradd.
    case batch
}
