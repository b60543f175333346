extension SyncPolicy {
    /// The policy of an import_users run: `configuration`, UID_MIN of `loginDefs` for adopted accounts, and the
    /// run's decisions `force` (override MAX_DELETE_PERCENT) and `adoptLegacyAccounts` (adopt, or rebuild a lost
    /// state).
    public init(configuration: Configuration, loginDefs: LoginDefs, force: Bool, adoptLegacyAccounts: Bool) {
        var groupMap: [GroupMapping] = []
        for (iamGroup, localGroups) in configuration.localGroupMap.sorted(by: { $0.key < $1.key }) {
            groupMap += localGroups.map { GroupMapping(iamGroup: iamGroup, localGroup: $0) }
        }
        self.init(
            markerGroup: configuration.localMarkerGroup, localGroups: configuration.localGroups, groupMap: groupMap,
            sudoersRule: configuration.sudoersRule, deleteAfterMissingRuns: configuration.deleteAfterMissingRuns,
            maxDeletePercent: configuration.maxDeletePercent, force: force,
            expiryTagName: configuration.accessExpiryTag.isEmpty ? nil : configuration.accessExpiryTag,
            deterministicUIDRange: configuration.uidSource == .iamUserID ? configuration.uidRange : nil,
            adoptLegacyAccounts: adoptLegacyAccounts, adoptionMinimumUID: loginDefs.uidMin)
    }
}
