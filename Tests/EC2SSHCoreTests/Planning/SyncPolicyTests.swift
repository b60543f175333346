import Testing

@testable import EC2SSHCore

/// The policy an import_users run plans with, mapped from the configuration and the run's decisions.
@Suite struct SyncPolicyTests {
    /// A login.defs with UID_MIN 1500, so the adoption minimum is seen to come from it.
    static let loginDefs = LoginDefs(uidMin: 1500, uidMax: 60_000, sysUIDMax: 1499, gidMin: 1500, gidMax: 60_000)

    /// The policy of configuration `text` with the run's decisions.
    static func policy(_ text: String, force: Bool = false, adopt: Bool = false) throws -> SyncPolicy {
        SyncPolicy(
            configuration: try Configuration.parse(text, path: "/etc/aws-ec2-ssh.conf").0, loginDefs: loginDefs,
            force: force, adoptLegacyAccounts: adopt)
    }

    @Test func theDefaultsMatchTheDefaultPolicy() throws {
        var expected = SyncPolicy()
        expected.adoptionMinimumUID = 1500
        #expect(try Self.policy("") == expected)
    }

    @Test(
        arguments: [
            ("", nil), ("UID_SOURCE=\"useradd\"\nUID_RANGE=\"80000-80999\"\n", nil),
            ("UID_SOURCE=\"iam-user-id\"\n", 70_000...99_999),
            ("UID_SOURCE=\"iam-user-id\"\nUID_RANGE=\"80000-80999\"\n", 80_000...80_999),
        ] as [(String, ClosedRange<UInt32>?)])
    func deterministicUIDsOnlyWithUIDSourceIAMUserID(text: String, range: ClosedRange<UInt32>?) throws {
        #expect(try Self.policy(text).deterministicUIDRange == range)
    }

    @Test func mapsTheSettingsAndTheRunsDecisions() throws {
        let text = """
            LOCAL_MARKER_GROUP="managed"
            LOCAL_GROUPS="docker,audio"
            LOCAL_GROUP_MAP="ops:wheel,dev:docker,dev:video"
            SUDOERS_RULE="ALL=(ALL) ALL"
            DELETE_AFTER_MISSING_RUNS="3"
            MAX_DELETE_PERCENT="20"
            ACCESS_EXPIRY_TAG="access-expires"

            """
        let policy = try Self.policy(text, force: true, adopt: true)
        #expect(policy.markerGroup == "managed")
        #expect(policy.localGroups == ["docker", "audio"])
        #expect(
            policy.groupMap == [
                .init(iamGroup: "dev", localGroup: "docker"), .init(iamGroup: "dev", localGroup: "video"),
                .init(iamGroup: "ops", localGroup: "wheel"),
            ])
        #expect(policy.sudoersRule == "ALL=(ALL) ALL")
        #expect(policy.deleteAfterMissingRuns == 3)
        #expect(policy.maxDeletePercent == 20)
        #expect(policy.expiryTagName == "access-expires")
        #expect(policy.force && policy.adoptLegacyAccounts)
        #expect(try !Self.policy(text).force && !Self.policy(text).adoptLegacyAccounts)
    }
}
