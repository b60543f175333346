extension Configuration {
    /// Parses the text of /etc/aws-ec2-ssh.conf into settings plus non-fatal warnings.
    ///
    /// Throws `EC2SSHError.invalidConfiguration` naming `path` and the line for bad syntax or a bad value.
    /// A missing file is the caller's business: it should use `Configuration()`.
    public static func parse(_ text: String, path: String) throws -> (Configuration, [ConfigWarning]) {
        try make(from: ConfigFile.parse(text, path: path), path: path)
    }

    /// Turns parsed assignments into settings; the last assignment of a key wins, as in a shell.
    public static func make(from file: ConfigFile, path: String) throws -> (Configuration, [ConfigWarning]) {
        var warnings: [ConfigWarning] = []
        var latest: [String: ConfigEntry] = [:]
        for entry in file.entries {
            if let previous = latest[entry.key] {
                warnings.append(
                    ConfigWarning(
                        path: path, line: entry.line, key: entry.key,
                        message: "\(entry.key) is set again (first on line \(previous.line)); the last value wins,"
                            + " remove the other line"))
            }
            latest[entry.key] = entry
        }
        var configuration = Configuration()
        for entry in latest.values.sorted(by: { $0.line < $1.line }) {
            if isEnvironmentKey(entry.key) {
                configuration.environment[entry.key] = entry.value
                continue
            }
            guard Self.knownKeys.contains(entry.key) else {
                warnings.append(
                    ConfigWarning(
                        path: path, line: entry.line, key: entry.key,
                        message: "unknown key \(entry.key) is ignored; check its spelling against the sample"
                            + " aws-ec2-ssh.conf"))
                continue
            }
            guard !entry.value.isEmpty else { continue }
            do {
                try configuration.apply(key: entry.key, value: entry.value)
            } catch {
                throw EC2SSHError.invalidConfiguration(
                    path: path, line: entry.line, message: "invalid \(entry.key)=\"\(entry.value)\": \(error.message)")
            }
        }
        try resolveLegacySudoersGroup(&configuration, latest["SUDOERSGROUP"], path: path, warnings: &warnings)
        if configuration.chainedAuthorizedKeysCommand == nil,
            let args = latest["CHAINED_AUTHORIZED_KEYS_COMMAND_ARGS"], !args.value.isEmpty
        {
            warnings.append(
                ConfigWarning(
                    path: path, line: args.line, key: args.key,
                    message: "CHAINED_AUTHORIZED_KEYS_COMMAND_ARGS is ignored because CHAINED_AUTHORIZED_KEYS_COMMAND"
                        + " is not set"))
        }
        return (configuration, warnings)
    }

    /// Every key this version understands, besides the environment keys.
    public static let knownKeys: Set<String> = [
        "ASSUMEROLE", "IAM_AUTHORIZED_GROUPS", "SUDOERS_GROUPS", "SUDOERSGROUP", "IAM_AUTHORIZED_GROUPS_TAG",
        "SUDOERS_GROUPS_TAG", "LOCAL_MARKER_GROUP", "LOCAL_GROUPS", "USERADD_PROGRAM", "USERADD_ARGS",
        "USERDEL_PROGRAM", "USERDEL_ARGS", "DONOTSYNC", "SUDOERS_RULE", "DELETE_AFTER_MISSING_RUNS",
        "MAX_DELETE_PERCENT", "UID_SOURCE", "ACCOUNT_BACKEND", "UID_RANGE", "LOCAL_GROUP_MAP", "ACCESS_EXPIRY_TAG",
        "KEY_CACHE_TTL",
        "KEY_CACHE_STALE_MAX", "KEY_COMMAND_TIMEOUT", "STATE_DIR", "KEY_CACHE_DIR", "CHAINED_AUTHORIZED_KEYS_COMMAND",
        "CHAINED_AUTHORIZED_KEYS_COMMAND_ARGS", "METRICS_FILE", "SKIP_UNCHANGED_RUNS", "SUBORDINATE_IDS",
        // Fleet mode, readers.
        "SNAPSHOT_URL", "SNAPSHOT_PUBLIC_KEY", "SNAPSHOT_ALLOW_UNSIGNED", "SNAPSHOT_MAX_AGE", "SNAPSHOT_REFRESH",
        "SNAPSHOT_BUCKET_OWNER",
        // Fleet mode, publisher.
        "SNAPSHOT_KMS_KEY_ID", "SNAPSHOT_RESIGN_INTERVAL", "SNAPSHOT_TAGS",
    ]

    private static func resolveLegacySudoersGroup(
        _ configuration: inout Configuration, _ legacy: ConfigEntry?, path: String, warnings: inout [ConfigWarning]
    ) throws {
        guard let legacy, !legacy.value.isEmpty else { return }
        guard configuration.sudoersGroups.isEmpty else {
            warnings.append(
                ConfigWarning(
                    path: path, line: legacy.line, key: legacy.key,
                    message: "SUDOERSGROUP is deprecated and ignored because SUDOERS_GROUPS is set; remove it"))
            return
        }
        do {
            configuration.sudoersGroups = try ConfigValue.iamGroupList(legacy.value, allowEveryone: true)
        } catch {
            throw EC2SSHError.invalidConfiguration(
                path: path, line: legacy.line, message: "invalid SUDOERSGROUP=\"\(legacy.value)\": \(error.message)")
        }
        warnings.append(
            ConfigWarning(
                path: path, line: legacy.line, key: legacy.key,
                message: "SUDOERSGROUP is deprecated; rename it to SUDOERS_GROUPS"))
    }

    private mutating func apply(key: String, value: String) throws(ConfigValue.Invalid) {
        switch key {
        case "ASSUMEROLE": assumeRole = try ConfigValue.roleARN(value)
        case "IAM_AUTHORIZED_GROUPS": iamAuthorizedGroups = try ConfigValue.iamGroupList(value, allowEveryone: false)
        case "SUDOERS_GROUPS": sudoersGroups = try ConfigValue.iamGroupList(value, allowEveryone: true)
        case "SUDOERSGROUP": break  // resolved after every key is read
        case "IAM_AUTHORIZED_GROUPS_TAG": iamAuthorizedGroupsTag = try ConfigValue.tagKey(value)
        case "SUDOERS_GROUPS_TAG": sudoersGroupsTag = try ConfigValue.tagKey(value)
        case "LOCAL_MARKER_GROUP": localMarkerGroup = try ConfigValue.localGroup(value)
        case "LOCAL_GROUPS": localGroups = try ConfigValue.localGroupList(value)
        case "USERADD_PROGRAM": useraddProgram = try ConfigValue.program(value)
        case "USERADD_ARGS": useraddArgs = try ConfigValue.arguments(value)
        case "USERDEL_PROGRAM": userdelProgram = try ConfigValue.program(value)
        case "USERDEL_ARGS": userdelArgs = try ConfigValue.arguments(value)
        case "DONOTSYNC": doNotSync = try ConfigValue.flag(value)
        case "SKIP_UNCHANGED_RUNS": skipUnchangedRuns = try ConfigValue.flag(value)
        case "SUBORDINATE_IDS": subordinateIDs = try ConfigValue.flag(value)
        case "SUDOERS_RULE": sudoersRule = try ConfigValue.sudoersRule(value)
        case "DELETE_AFTER_MISSING_RUNS": deleteAfterMissingRuns = try ConfigValue.integer(value, in: 1...1000)
        case "MAX_DELETE_PERCENT": maxDeletePercent = try ConfigValue.integer(value, in: 0...100)
        case "UID_SOURCE": uidSource = try ConfigValue.uidSource(value)
        case "ACCOUNT_BACKEND": accountBackend = try ConfigValue.accountBackend(value)
        case "UID_RANGE": uidRange = try ConfigValue.uidRange(value)
        case "LOCAL_GROUP_MAP": localGroupMap = try ConfigValue.localGroupMap(value)
        case "ACCESS_EXPIRY_TAG": accessExpiryTag = try ConfigValue.tagKey(value)
        case "KEY_CACHE_TTL": keyCacheTTL = try ConfigValue.integer(value, in: 0...31_536_000)
        case "KEY_CACHE_STALE_MAX": keyCacheStaleMax = try ConfigValue.integer(value, in: 0...31_536_000)
        case "KEY_COMMAND_TIMEOUT": keyCommandTimeout = try ConfigValue.integer(value, in: 1...60)
        case "STATE_DIR": stateDir = try ConfigValue.directory(value)
        case "KEY_CACHE_DIR": keyCacheDir = try ConfigValue.directory(value)
        case "METRICS_FILE": metricsFile = value.isEmpty ? "" : try ConfigValue.file(value)
        case "CHAINED_AUTHORIZED_KEYS_COMMAND": chainedAuthorizedKeysCommand = try ConfigValue.program(value)
        case "CHAINED_AUTHORIZED_KEYS_COMMAND_ARGS": chainedAuthorizedKeysCommandArgs = try ConfigValue.arguments(value)
        // Fleet mode, readers.
        case "SNAPSHOT_URL": snapshotURL = try FleetSnapshotURL.parse(value)
        case "SNAPSHOT_PUBLIC_KEY": snapshotPublicKey = try ConfigValue.file(value)
        case "SNAPSHOT_ALLOW_UNSIGNED": snapshotAllowUnsigned = try ConfigValue.flag(value)
        case "SNAPSHOT_MAX_AGE": snapshotMaxAge = try ConfigValue.integer(value, in: 60...31_536_000)
        case "SNAPSHOT_REFRESH": snapshotRefresh = try ConfigValue.integer(value, in: 0...86_400)
        case "SNAPSHOT_BUCKET_OWNER": snapshotBucketOwner = try ConfigValue.accountID(value)
        // Fleet mode, publisher.
        case "SNAPSHOT_KMS_KEY_ID": snapshotKMSKeyID = try ConfigValue.kmsKeyID(value)
        case "SNAPSHOT_RESIGN_INTERVAL": snapshotResignInterval = try ConfigValue.integer(value, in: 60...86_400)
        case "SNAPSHOT_TAGS": snapshotTags = try ConfigValue.tagKeyList(value)
        default: break
        }
    }
}
