import AWSCore
import EC2SSHCore
import EC2SSHSystem
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

/// One bad account never blocks the others: failures are recorded per account, and names useradd would refuse
/// are conflicts found before acting.
@Suite struct ImportRunIsolationTests {
    static let config = "SUDOERS_GROUPS=\"admins\"\nLOCAL_GROUPS=\"docker\"\n"

    func harness(users: [String], admins: [String]) -> ImportRunHarness {
        ImportRunHarness(
            host: FakeAccountHost(users: [("root", 0)], groups: [("docker", 500, []), ("staff", 50, [])]),
            aws: FakeAWSReader(.init(users: .success(users), groups: ["admins": .success(admins)])))
    }

    @Test func aFailingCreationBlocksNeitherOtherAccountsNorTheirSudo() throws {
        let world = harness(users: ["alice", "bob", "carol"], admins: ["alice", "bob"])
        world.host.fail(
            "/usr/sbin/useradd --user-group --create-home --shell /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 --groups iam-synced-users,docker -- alice"
        )
        let outcome = try world.run(Self.config)
        #expect(outcome.exitCode == .partial)
        #expect(world.host.host.users["alice"] == nil)
        #expect(world.host.host.users["bob"] != nil && world.host.host.users["carol"] != nil)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-bob") != nil)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-alice") == nil)
        let state = try world.state()
        #expect(state.accounts["alice"]?.status == .creating)
        #expect(state.accounts["bob"]?.status == .active && state.accounts["carol"]?.status == .active)
        #expect(world.log.text.contains("failed: create user alice"))
        #expect(world.log.text.contains("skipped: grant sudo to alice"))
        #expect(outcome.report?.failures.map(\.action?.subject) == ["alice"])

        world.host.clearFailures()
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-alice") != nil)
        #expect(try world.state().accounts.values.allSatisfy { $0.status == .active })
    }

    @Test func namesALocalGroupOrTheNameServiceHoldsAreConflictsAndTheRestIsApplied() throws {
        let world = harness(users: ["alice", "staff", "ldapbob", "ldapgroup", "broken"], admins: ["alice", "staff"])
        world.host.addNameServiceUser("ldapbob", uid: 50_000)
        world.host.addNameServiceGroup("ldapgroup", gid: 50_001)
        world.host.failLookups(of: "broken")
        let outcome = try world.run(Self.config)
        #expect(outcome.exitCode == .ok)
        #expect(world.host.host.users["alice"] != nil)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-alice") != nil)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-staff") == nil)
        #expect(!world.host.commandLines.contains { $0.contains("useradd") && !$0.hasSuffix("-- alice") })
        #expect(outcome.plan?.conflicts.map(\.localName).sorted() == ["broken", "ldapbob", "ldapgroup", "staff"])
        #expect(world.log.text.contains("conflict: IAM user staff maps to local name staff, but a local group staff"))
        #expect(world.log.text.contains("ldapbob exists in the name service"))
        #expect(world.log.text.contains("ldapgroup"))
        #expect(world.log.text.contains("broken cannot be looked up"))
        #expect(try world.state().accounts.keys.sorted() == ["alice"])
    }

    @Test func hostileIAMNamesAreSkippedWithAWarningAndTheRestIsApplied() throws {
        let world = harness(users: [".", "..", "-rf", "1000", "x.at.y", "alice"], admins: [".", "alice"])
        let outcome = try world.run(Self.config)
        #expect(outcome.exitCode == .ok)
        #expect(world.host.host.users.keys.sorted() == ["alice", "root"])
        #expect(world.host.commandLines.filter { $0.contains("useradd") }.count == 1)
        for name in [".", "..", "-rf", "1000", "x.at.y"] {
            #expect(world.log.text.contains("skipped: IAM user \(String(reflecting: name))"), "\(name)")
        }
    }
}
