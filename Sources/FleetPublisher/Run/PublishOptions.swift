/// The command-line options of `import_users publish`.
public struct PublishOptions: Sendable, Equatable {
    /// Read IAM and S3 and print what would be published; sign nothing, put nothing, write no state.
    public var dryRun: Bool

    /// Creates the options.
    public init(dryRun: Bool = false) {
        self.dryRun = dryRun
    }
}
