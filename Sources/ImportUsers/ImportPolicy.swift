public import EC2SSHCore
import EC2SSHShared

/// Maps the configuration and the command line to the planner's `SyncPolicy`.
public enum ImportPolicy {
    /// The policy for `configuration` and `options`; adopted accounts must have at least UID_MIN of `loginDefs`.
    public static func policy(configuration: Configuration, options: ImportOptions, loginDefs: LoginDefs)
        -> SyncPolicy
    {
        var groupMap: [SyncPolicy.GroupMapping] = []
        for (iamGroup, localGroups) in configuration.localGroupMap.sorted(by: { $0.key < $1.key }) {
            groupMap += localGroups.map { SyncPolicy.GroupMapping(iamGroup: iamGroup, localGroup: $0) }
        }
        return SyncPolicy(
            markerGroup: configuration.localMarkerGroup, localGroups: configuration.localGroups, groupMap: groupMap,
            sudoersRule: configuration.sudoersRule, deleteAfterMissingRuns: configuration.deleteAfterMissingRuns,
            maxDeletePercent: configuration.maxDeletePercent, force: options.force,
            expiryTagName: configuration.accessExpiryTag.isEmpty ? nil : configuration.accessExpiryTag,
            adoptLegacyAccounts: options.adoptLegacyAccounts || options.rebuildState,
            adoptionMinimumUID: loginDefs.uidMin)
    }
}
