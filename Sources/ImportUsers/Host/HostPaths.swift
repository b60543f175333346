/// The host paths and programs import_users uses besides the configured ones; tests point them elsewhere.
public struct HostPaths: Sendable, Equatable {
    /// The directory holding sudoers drop-in files.
    public var sudoersDirectory: String
    /// The shadow-utils defaults file, read for UID_MIN.
    public var loginDefs: String
    /// visudo, used to check every sudoers file before it is installed.
    public var visudo: String
    /// groupadd, used for the marker group and, with deterministic UIDs, the user's own group.
    public var groupadd: String
    /// usermod, used to add groups and to lock accounts before deletion.
    public var usermod: String
    /// gpasswd, used to remove an account from a group.
    public var gpasswd: String
    /// useradd's defaults file, read for HOME (the home base) before userdel may remove a home directory.
    public var useraddDefaults: String
    /// The running program, whose identity is one of a run's inputs (a new version may plan differently).
    public var runningProgram = "/proc/self/exe"

    /// The standard locations on Linux.
    public static let standard = HostPaths(
        sudoersDirectory: "/etc/sudoers.d", loginDefs: "/etc/login.defs", visudo: "/usr/sbin/visudo",
        groupadd: "/usr/sbin/groupadd", usermod: "/usr/sbin/usermod", gpasswd: "/usr/bin/gpasswd",
        useraddDefaults: "/etc/default/useradd")

    /// Creates paths from explicit values.
    public init(
        sudoersDirectory: String, loginDefs: String, visudo: String, groupadd: String, usermod: String,
        gpasswd: String, useraddDefaults: String
    ) {
        self.sudoersDirectory = sudoersDirectory
        self.loginDefs = loginDefs
        self.visudo = visudo
        self.groupadd = groupadd
        self.usermod = usermod
        self.gpasswd = gpasswd
        self.useraddDefaults = useraddDefaults
    }
}
