/// The release version and commit of this build.
///
/// A plain `swift build` keeps the defaults below; scripts/build-release rewrites this file in its build copy
/// with the release version and the commit, so the binaries can say what they are (`--version`).
public enum BuildInfo {
    /// The release version, such as "1.2.0"; "0.0.0-dev" for a development build.
    public static let version = "0.0.0-dev"
    /// The git commit the build was made from; "unknown" for a development build.
    public static let commit = "unknown"

    /// The `--version` line of `program`, for example "import_users 1.2.0 (commit 0123abc)".
    public static func versionLine(program: String) -> String {
        "\(program) \(version) (commit \(commit))"
    }
}
