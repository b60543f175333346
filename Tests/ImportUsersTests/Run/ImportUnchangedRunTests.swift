import AWSCore
import EC2SSHCore
import EC2SSHSystem
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// SKIP_UNCHANGED_RUNS: a run whose inputs are those of the last clean run that changed nothing stops after its
/// reads; any change to any input makes a full run again.
@Suite struct ImportUnchangedRunTests {
    static let config = "SUDOERS_GROUPS=\"admins\"\nLOCAL_GROUPS=\"docker\"\n"
    static let denied = AWSError.service(code: "AccessDenied", message: "no", requestID: nil, status: 403)

    func harness(users: [String] = ["alice", "bob"]) -> ImportRunHarness {
        ImportRunHarness(
            host: FakeAccountHost(users: [("root", 0), ("ec2-user", 1000)], groups: [("docker", 500, [])]),
            aws: FakeAWSReader(.init(users: .success(users), groups: ["admins": .success(["alice"])])))
    }

    /// A host after a first import and one full run that changed nothing, which recorded so.
    func recorded(_ config: String = config, world: ImportRunHarness? = nil) throws -> ImportRunHarness {
        let world = world ?? harness()
        #expect(try world.run(config).report != nil)
        let second = try world.run(config)
        #expect(second.plan != nil && second.report == nil)
        #expect(world.fileSystem.node(ImportRunHarness.unchangedPath)?.mode == 0o600)
        world.fileSystem.clearChanges()
        world.host.clearCommands()
        return world
    }

    @Test func anUnchangedRunStopsAfterReadingIAMAndWritesOnlyItsStatus() throws {
        let world = try recorded()
        let readsBefore = world.fileSystem.reads.count
        let callsBefore = world.aws.calls.count
        let outcome = try world.run(Self.config)
        #expect(outcome.exitCode == .ok)
        #expect(outcome.plan == nil && outcome.report == nil)
        #expect(outcome.managedAccounts == 2)
        let reads = world.fileSystem.reads.dropFirst(readsBefore)
        #expect(reads.contains(ImportRunHarness.unchangedPath))
        #expect(!reads.contains(ImportRunHarness.statePath) && !reads.contains(ImportRunHarness.indexPath))
        #expect(!reads.contains("/etc/sudoers.d/aws-ec2-ssh-alice"))
        // The same IAM reads as the full run before it, nothing more.
        let calls = Array(world.aws.calls.dropFirst(callsBefore))
        #expect(!calls.isEmpty && calls == Array(world.aws.calls[(callsBefore - calls.count)..<callsBefore]))
        #expect(world.fileSystem.changes == [.write(ImportRunHarness.statusPath)])
        #expect(world.host.commands.isEmpty)
        #expect(world.log.text.contains("planning skipped"))
        #expect(world.log.text.contains("done: 0 changes applied, 2 managed accounts"))
    }

    /// One change to one input of a run, and what the full run it causes must repair (if anything).
    struct Change: Sendable, CustomStringConvertible {
        var description: String
        /// Changes the input; returns the configuration the next run uses.
        var apply: @Sendable (ImportRunHarness) throws -> String
        /// What the full run must have done.
        var check: @Sendable (ImportRunHarness) throws -> Bool = { _ in true }
    }

    static let changes: [Change] = [
        Change(
            description: "an admin removes a managed account from a local group (/etc/group)",
            apply: { world in
                _ = try world.host.run(Command("/usr/bin/gpasswd", ["--delete", "alice", "--", "docker"]))
                return config
            },
            check: { $0.host.groupNames(of: "alice").contains("docker") }),
        Change(
            description: "an admin deletes our sudoers file",
            apply: { world in
                try world.fileSystem.removeFile("/etc/sudoers.d/aws-ec2-ssh-alice")
                return config
            },
            check: { $0.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-alice") != nil }),
        Change(
            description: "an admin edits our sudoers file",
            apply: { world in
                try world.fileSystem.writeFileAtomically(
                    "/etc/sudoers.d/aws-ec2-ssh-alice", contents: Array("alice ALL=(ALL) ALL\n".utf8), mode: 0o440,
                    owner: .root)
                return config
            },
            check: { $0.fileSystem.text("/etc/sudoers.d/aws-ec2-ssh-alice")?.contains("NOPASSWD") == true }),
        Change(
            description: "another sudoers file appears",
            apply: { world in
                world.fileSystem.addFile("/etc/sudoers.d/other", "# other\n", mode: 0o440)
                return config
            }),
        Change(
            description: "login.defs changes",
            apply: { world in
                world.fileSystem.addFile("/etc/login.defs", "UID_MIN 1000\n")
                return config
            }),
        Change(
            description: "useradd's defaults change",
            apply: { world in
                world.fileSystem.addFile("/etc/default/useradd", "HOME=/home\n")
                return config
            }),
        Change(
            description: "state.json is touched",
            apply: { world in
                world.fileSystem.touch(ImportRunHarness.statePath)
                return config
            }),
        Change(
            description: "managed-users.json is removed",
            apply: { world in
                try world.fileSystem.removeFile(ImportRunHarness.indexPath)
                return config
            },
            check: { $0.fileSystem.node(ImportRunHarness.indexPath) != nil }),
        Change(
            description: "the program is replaced",
            apply: { world in
                world.fileSystem.addFile("/proc/self/exe", "a new version")
                return config
            }),
        Change(
            description: "a new IAM user",
            apply: { world in
                world.aws.update { $0.users = .success(["alice", "bob", "carol"]) }
                return config
            },
            check: { $0.host.host.users["carol"] != nil }),
        Change(
            description: "an IAM user joins the sudoers group",
            apply: { world in
                world.aws.update { $0.groups["admins"] = .success(["alice", "bob"]) }
                return config
            },
            check: { $0.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-bob") != nil }),
        Change(
            description: "the configuration changes",
            apply: { _ in config + "SUDOERS_RULE=\"ALL=(ALL) ALL\"\n" },
            check: { $0.fileSystem.text("/etc/sudoers.d/aws-ec2-ssh-alice")?.contains("NOPASSWD") == false }),
        Change(
            description: "the record is corrupt",
            apply: { world in
                try world.fileSystem.writeFileAtomically(
                    ImportRunHarness.unchangedPath, contents: Array("{".utf8), mode: 0o600, owner: .root)
                return config
            }),
        Change(
            description: "the clock is set back before the recording run",
            apply: { world in
                world.time.advance(by: -3600)
                return config
            }),
    ]

    @Test(arguments: changes)
    func anyChangeOfAnInputMakesAFullRun(change: Change) throws {
        let world = try recorded()
        let config = try change.apply(world)
        let outcome = try world.run(config)
        #expect(outcome.exitCode == .ok)
        #expect(outcome.plan != nil, "\(change): the run skipped planning")
        #expect(try change.check(world), "\(change): the full run did not repair it")
        #expect(!world.log.text.contains("planning skipped"))
    }

    @Test func theShortcutHoldsOnlyUntilTheEarliestAccessExpiry() throws {
        let world = harness()
        // The clock starts at 2027-01-15T08:00:00Z; bob's access ends an hour later.
        world.aws.update {
            $0.tags["alice"] = .success(["expires": "2030-01-01"])
            $0.tags["bob"] = .success(["expires": "2027-01-15T09:00:00Z"])
        }
        let config = Self.config + "ACCESS_EXPIRY_TAG=\"expires\"\n"
        _ = try recorded(config, world: world)
        let bytes = try #require(try world.fileSystem.readFile(ImportRunHarness.unchangedPath))
        let record = try #require(UnchangedRunRecord.decoded(from: Data(bytes)))
        #expect(record.validUntil == Date(timeIntervalSince1970: 1_800_003_600))
        world.time.advance(by: 1800)
        #expect(try world.run(config).plan == nil)
        #expect(world.host.commands.isEmpty)
        world.time.advance(by: 1800)
        let expired = try world.run(config)
        #expect(expired.plan != nil)
        #expect(world.host.commandLines.contains { $0.contains("usermod --lock") && $0.hasSuffix("-- bob") })
    }

    @Test(arguments: [
        ImportOptions(dryRun: true), ImportOptions(json: true), ImportOptions(force: true),
    ])
    func runsWithOptionsNeverSkipPlanning(options: ImportOptions) throws {
        let world = try recorded()
        let outcome = try world.run(Self.config, options)
        #expect(outcome.plan != nil)
    }

    @Test(arguments: [
        ("KEY_CACHE_TTL=\"300\"\n", ["alice", "bob"]),  // the key cache is refreshed at every run
        ("SKIP_UNCHANGED_RUNS=\"0\"\n", ["alice", "bob"]),
        ("", ["alice", "bob", "ec2-user"]),  // a conflict: its warning is logged at every run
    ])
    func nothingIsRecordedWhenARunMustDoItsWholeWork(extra: String, users: [String]) throws {
        let world = harness(users: users)
        for _ in 0..<3 {
            let outcome = try world.run(Self.config + extra)
            #expect(outcome.plan != nil)
        }
        #expect(world.fileSystem.node(ImportRunHarness.unchangedPath) == nil)
    }

    @Test func aNameHeldByTheNameServiceIsNeverRecorded() throws {
        // carol exists in LDAP only: her account is not created; that LDAP entry could go without /etc changing.
        let world = harness(users: ["alice", "bob", "carol"])
        world.host.addNameServiceUser("carol", uid: 5000)
        for _ in 0..<3 { #expect(try world.run(Self.config).plan != nil) }
        #expect(world.fileSystem.node(ImportRunHarness.unchangedPath) == nil)
    }

    @Test func aFailedIAMReadAfterARecordIsAFullRunThatHoldsChanges() throws {
        let world = try recorded()
        world.aws.update { $0.groups["admins"] = .failure(Self.denied) }
        let outcome = try world.run(Self.config)
        #expect(outcome.exitCode == .partial)
        #expect(outcome.plan != nil)
        #expect(world.fileSystem.node("/etc/sudoers.d/aws-ec2-ssh-alice") != nil)
    }

    @Test func aFilesystemThatCannotTellVersionsApartNeverSkips() throws {
        let world = harness()
        world.host.identitiesUnknown = true
        for _ in 0..<3 { #expect(try world.run(Self.config).plan != nil) }
        #expect(world.fileSystem.node(ImportRunHarness.unchangedPath) == nil)
    }
}
