/// Which AWS actions a configuration makes import_users and authorized_keys_command call (`import_users check`).
///
/// The list follows the code paths: `IAMReader` (import), `SSHKeyFetcher` (key command), `AWSClients`
/// (ASSUMEROLE), `IAMReadSession` (instance tags) and, for a fleet reader (SNAPSHOT_URL set), `FleetSnapshotFetcher`.
/// Keep it in step with them; `knownActions` is what etc/iam/ must grant (a unit test checks both: the
/// single-account policies the IAM actions, fleet-reader-policy.json `s3:GetObject`).
public enum PermissionRequirements {
    /// `sts:AssumeRole`.
    public static let assumeRole = "sts:AssumeRole"
    /// `ec2:DescribeTags`.
    public static let describeTags = "ec2:DescribeTags"
    /// `iam:ListUsers`.
    public static let listUsers = "iam:ListUsers"
    /// `iam:GetGroup`.
    public static let getGroup = "iam:GetGroup"
    /// `iam:ListUserTags`.
    public static let listUserTags = "iam:ListUserTags"
    /// `iam:ListSSHPublicKeys`.
    public static let listSSHPublicKeys = "iam:ListSSHPublicKeys"
    /// `iam:GetSSHPublicKey`.
    public static let getSSHPublicKey = "iam:GetSSHPublicKey"
    /// `iam:ListGroupsForUser`.
    public static let listGroupsForUser = "iam:ListGroupsForUser"
    /// `s3:GetObject` (a fleet reader's only read: the snapshot object).
    public static let getObject = "s3:GetObject"

    /// Every action any configuration can need, in the order `needs(for:)` lists them.
    public static let knownActions = [
        assumeRole, describeTags, listUsers, getGroup, listUserTags, listSSHPublicKeys, getSSHPublicKey,
        listGroupsForUser, getObject,
    ]

    /// The program names used in `PermissionNeed.neededBy`.
    public static let importUsers = "import_users"
    /// The key command's program name.
    public static let keyCommand = "authorized_keys_command"

    /// The actions `configuration` needs, each once (`iam:GetGroup` once per configured group), in the order a
    /// check should call them: credentials first, then listings, then per-user reads.
    ///
    /// A fleet reader (SNAPSHOT_URL set) needs no IAM action at all: `s3:GetObject` on the snapshot object (with
    /// the ASSUMEROLE role when it is set, after `sts:AssumeRole`), and `ec2:DescribeTags` for the `*_TAG`
    /// settings. What `import_users publish` needs (the complete IAM read, `s3:PutObject`, `kms:Sign`) is not
    /// listed: see etc/iam/fleet-publisher-policy.json.
    public static func needs(for configuration: Configuration) -> [PermissionNeed] {
        var needs: [PermissionNeed] = []
        let iamPrincipal: PermissionNeed.Principal = configuration.assumeRole.isEmpty ? .host : .assumedRole
        func add(_ action: String, _ subject: String? = nil, by programs: [String], _ reason: String) {
            let principal = action == assumeRole || action == describeTags ? .host : iamPrincipal
            if let index = needs.firstIndex(where: { $0.action == action && $0.subject == subject }) {
                for program in programs where !needs[index].neededBy.contains(program) {
                    needs[index].neededBy.append(program)
                }
                needs[index].reason += "; " + reason
            } else {
                needs.append(
                    PermissionNeed(
                        action: action, subject: subject, neededBy: programs, reason: reason, principal: principal))
            }
        }
        let both = [importUsers, keyCommand]
        if !configuration.assumeRole.isEmpty {
            add(
                assumeRole, configuration.assumeRole, by: both,
                configuration.snapshotURL == nil
                    ? "ASSUMEROLE is set: IAM is read with that role"
                    : "ASSUMEROLE is set: the fleet snapshot is read from S3 with that role")
        }
        for tag in [configuration.iamAuthorizedGroupsTag, configuration.sudoersGroupsTag] where !tag.isEmpty {
            add(
                describeTags, tag, by: [importUsers],
                "instance tag \(tag) names IAM groups; it is read with DescribeTags when instance metadata "
                    + "does not show tags")
        }
        if let snapshot = configuration.snapshotURL {
            add(
                getObject, snapshot.text, by: both,
                "SNAPSHOT_URL is set: import_users and the key command read the fleet snapshot there, and nothing "
                    + "from IAM")
            return needs
        }
        if !configuration.iamAuthorizedGroupsTag.isEmpty {
            add(
                getGroup, by: [importUsers],
                "the groups named in instance tag \(configuration.iamAuthorizedGroupsTag) "
                    + "(IAM_AUTHORIZED_GROUPS_TAG) are read")
        } else if configuration.iamAuthorizedGroups.isEmpty {
            add(listUsers, by: [importUsers], "IAM_AUTHORIZED_GROUPS is empty: every IAM user is imported")
        } else {
            for group in configuration.iamAuthorizedGroups {
                add(getGroup, group, by: [importUsers], "IAM_AUTHORIZED_GROUPS names it")
            }
        }
        if !configuration.sudoersGroupsTag.isEmpty {
            add(
                getGroup, by: [importUsers],
                "the groups named in instance tag \(configuration.sudoersGroupsTag) (SUDOERS_GROUPS_TAG) are read")
        } else {
            for group in configuration.sudoersGroups where group != Configuration.everyoneSudoersGroup {
                add(getGroup, group, by: [importUsers], "SUDOERS_GROUPS names it")
            }
        }
        for group in configuration.localGroupMap.keys.sorted() {
            add(getGroup, group, by: [importUsers], "LOCAL_GROUP_MAP names it")
        }
        if !configuration.accessExpiryTag.isEmpty {
            add(
                listUserTags, by: [importUsers],
                "ACCESS_EXPIRY_TAG is set: every authorized user's tags are read")
        }
        let keyReaders = configuration.keyCacheTTL > 0 ? [keyCommand, importUsers] : [keyCommand]
        let keyReason =
            configuration.keyCacheTTL > 0
            ? "the key command reads SSH keys at login, and import_users refreshes the key cache (KEY_CACHE_TTL)"
            : "the key command reads SSH keys at every login"
        add(listSSHPublicKeys, by: keyReaders, keyReason)
        add(getSSHPublicKey, by: keyReaders, keyReason)
        if !configuration.iamAuthorizedGroups.isEmpty {
            add(
                listGroupsForUser, by: [keyCommand],
                "IAM_AUTHORIZED_GROUPS is set: the key command checks group membership live at every login "
                    + "(the bash tool's policy did not grant this; without it every login is refused)")
        }
        return needs
    }
}
