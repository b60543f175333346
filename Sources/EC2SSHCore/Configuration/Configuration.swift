/// The typed settings of /etc/aws-ec2-ssh.conf, each with the original tool's default.
///
/// Build one with `Configuration.parse(_:path:)`; `Configuration()` holds every default, which is also what a
/// missing file means. An empty value in the file (`KEY=""`) means the default, as `: ${KEY:=default}` does in
/// the original scripts.
public struct Configuration: Equatable, Sendable {
    /// ASSUMEROLE: ARN of an IAM role to assume before reading IAM; empty uses the host's own credentials.
    public var assumeRole = ""
    /// IAM_AUTHORIZED_GROUPS: comma-separated IAM groups whose members get accounts; empty means all IAM users.
    public var iamAuthorizedGroups: [String] = []
    /// SUDOERS_GROUPS: comma-separated IAM groups whose members get sudo; `##ALL##` means every imported user.
    public var sudoersGroups: [String] = []
    /// IAM_AUTHORIZED_GROUPS_TAG: EC2 instance tag key whose value lists the authorized IAM groups.
    public var iamAuthorizedGroupsTag = ""
    /// SUDOERS_GROUPS_TAG: EC2 instance tag key whose value lists the sudoers IAM groups.
    public var sudoersGroupsTag = ""
    /// LOCAL_MARKER_GROUP: local group that marks the accounts this tool manages.
    public var localMarkerGroup = "iam-synced-users"
    /// LOCAL_GROUPS: comma-separated local groups every imported user is added to.
    public var localGroups: [String] = []
    /// USERADD_PROGRAM: absolute path of the program that creates accounts.
    public var useraddProgram = "/usr/sbin/useradd"
    /// USERADD_ARGS: arguments passed to USERADD_PROGRAM before the user name, split like a shell would.
    public var useraddArgs = ["--user-group", "--create-home", "--shell", "/bin/bash"]
    /// USERDEL_PROGRAM: absolute path of the program that deletes accounts.
    public var userdelProgram = "/usr/sbin/userdel"
    /// USERDEL_ARGS: arguments passed to USERDEL_PROGRAM before the user name, split like a shell would.
    public var userdelArgs = ["--force", "--remove"]
    /// DONOTSYNC: 1 makes import_users refuse to sync (0 or 1).
    public var doNotSync = false
    /// SUDOERS_RULE: what sudo grants, written after the user name in /etc/sudoers.d (one line).
    public var sudoersRule = "ALL=(ALL) NOPASSWD:ALL"
    /// DELETE_AFTER_MISSING_RUNS: consecutive runs a user must be missing from IAM before deletion (at least 1).
    public var deleteAfterMissingRuns = 1
    /// MAX_DELETE_PERCENT: a run that would delete more than this percentage of managed accounts deletes none.
    public var maxDeletePercent = 50
    /// UID_SOURCE: `useradd` (useradd picks the UID) or `iam-user-id` (the same UID on every host).
    public var uidSource = UIDSource.useradd
    /// ACCOUNT_BACKEND: `useradd` (one useradd per new account) or `batch` (a prototype writing the plain new
    /// accounts of a run to the account files at once).
    public var accountBackend = AccountBackend.useradd
    /// UID_RANGE: `MIN-MAX` range for UIDs and GIDs with UID_SOURCE=iam-user-id; must start at 1000 or above.
    public var uidRange: ClosedRange<UInt32> = 70_000...99_999
    /// LOCAL_GROUP_MAP: `iam-group:local-group` pairs, comma-separated; repeat a pair per extra local group.
    public var localGroupMap: [String: [String]] = [:]
    /// ACCESS_EXPIRY_TAG: IAM user tag key whose value is the date access ends; empty turns it off.
    public var accessExpiryTag = ""
    /// KEY_CACHE_TTL: seconds a cached key list is used without asking IAM; 0 always asks IAM first.
    public var keyCacheTTL = 0
    /// KEY_CACHE_STALE_MAX: seconds a cached key list may still be used when IAM cannot be reached; 0 disables.
    public var keyCacheStaleMax = 86_400
    /// KEY_COMMAND_TIMEOUT: seconds authorized_keys_command may spend on IAM before it gives up (1 to 60).
    public var keyCommandTimeout = 5
    /// STATE_DIR: absolute path of the directory holding import_users state.
    public var stateDir = "/var/lib/aws-ec2-ssh"
    /// KEY_CACHE_DIR: absolute path of the directory holding the key cache.
    public var keyCacheDir = "/var/cache/aws-ec2-ssh"
    /// METRICS_FILE: absolute path of a Prometheus textfile (for node_exporter) import_users rewrites after each
    /// run; empty: none.
    public var metricsFile = ""
    /// CHAINED_AUTHORIZED_KEYS_COMMAND: absolute path of another key command whose output is appended.
    public var chainedAuthorizedKeysCommand: String?
    /// CHAINED_AUTHORIZED_KEYS_COMMAND_ARGS: arguments for the chained command, split like a shell would.
    public var chainedAuthorizedKeysCommandArgs: [String] = []
    /// SKIP_UNCHANGED_RUNS: when 1, a run whose inputs (IAM's answer, the account files, the sudoers files, the state,
    /// the configuration, the program) are those of the last clean run that changed nothing stops after its reads.
    public var skipUnchangedRuns = true
    /// SUBORDINATE_IDS: when 0, useradd gets `-K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0` and allocates no
    /// /etc/subuid and /etc/subgid ranges for the accounts import_users creates; 1 leaves it to login.defs.
    public var subordinateIDs = false
    /// Lines setting AWS_* variables and HTTP(S)_PROXY / NO_PROXY (either case), applied as environment.
    public var environment: [String: String] = [:]

    // Fleet mode, readers (issue 14).
    /// SNAPSHOT_URL: `s3://bucket/key` of the signed fleet snapshot; set, the host is a fleet reader and makes no
    /// IAM call at all (import_users and the key command read the snapshot instead).
    public var snapshotURL: FleetSnapshotURL?
    /// SNAPSHOT_PUBLIC_KEY: path of the pinned public key (PEM SubjectPublicKeyInfo) the snapshot's signature is
    /// checked with.
    public var snapshotPublicKey = "/etc/aws-ec2-ssh/snapshot.pem"
    /// SNAPSHOT_ALLOW_UNSIGNED: 1 accepts unsigned snapshots (testing only; warned about at every run).
    public var snapshotAllowUnsigned = false
    /// SNAPSHOT_MAX_AGE: seconds after its generation a snapshot is stale (applied as an incomplete read).
    public var snapshotMaxAge = 3600
    /// SNAPSHOT_REFRESH: seconds the key command serves its verified copy before it asks S3 again at a login.
    public var snapshotRefresh = 60
    /// SNAPSHOT_BUCKET_OWNER: 12-digit account id sent as `x-amz-expected-bucket-owner`; empty: not sent.
    public var snapshotBucketOwner = ""

    // Fleet mode, publisher (import_users publish).
    /// SNAPSHOT_KMS_KEY_ID: the KMS key (id, ARN or alias) `import_users publish` signs snapshots with.
    public var snapshotKMSKeyID = ""
    /// SNAPSHOT_RESIGN_INTERVAL: seconds after which the publisher signs and puts an unchanged snapshot again.
    public var snapshotResignInterval = 900
    /// SNAPSHOT_TAGS: the IAM user tags the publisher carries; empty: the tags this configuration uses.
    public var snapshotTags: [String] = []

    /// Where the configuration file is read from unless --config says otherwise.
    public static let defaultPath = "/etc/aws-ec2-ssh.conf"

    /// The SUDOERS_GROUPS value meaning every imported user.
    public static let everyoneSudoersGroup = "##ALL##"

    /// Creates the default configuration.
    public init() {}

    /// Whether SUDOERS_GROUPS contains `##ALL##`, granting sudo to every imported user.
    public var grantsSudoToEveryone: Bool {
        sudoersGroups.contains(Self.everyoneSudoersGroup)
    }

    /// Whether `key` is applied as an environment variable (AWS_* and the proxy variables) rather than a setting.
    public static func isEnvironmentKey(_ key: String) -> Bool {
        key.hasPrefix("AWS_") || proxyKeys.contains(key)
    }

    private static let proxyKeys: Set<String> = [
        "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy",
    ]
}
