import AWSCore
import EC2SSHCore
import EC2SSHSystem
import Synchronization
import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// last-run.json, METRICS_FILE, the root check and `--json` of a real run.
@Suite struct ImportRunStatusTests {
    static let config = "SUDOERS_GROUPS=\"admins\"\nLOCAL_GROUPS=\"docker\"\n"
    static let metricsPath = "/var/lib/node-exporter/aws_ec2_ssh.prom"

    /// last-run.json as README.md documents it.
    struct Status: Decodable {
        struct Counts: Decodable, Equatable {
            var created, updated, locked, deleted, conflicts, failures: Int
        }
        var format: Int
        var startedAt: String
        var finishedAt: String
        var result: String
        var exitCode: Int
        var error: String?
        var lastSuccessAt: String?
        var managedAccounts: Int
        var counts: Counts
    }

    func harness(users: [String] = ["alice", "bob"]) -> ImportRunHarness {
        let world = ImportRunHarness(
            host: FakeAccountHost(users: [("root", 0), ("ubuntu", 1000)], groups: [("docker", 500, [])]),
            aws: FakeAWSReader(.init(users: .success(users), groups: ["admins": .success(["alice"])])))
        try? world.fileSystem.createDirectory("/var/lib/node-exporter", mode: 0o755, owner: .root)
        world.fileSystem.clearChanges()
        return world
    }

    func status(_ world: ImportRunHarness) throws -> Status {
        let bytes = try #require(try world.fileSystem.readFile(ImportRunHarness.statusPath))
        return try JSONDecoder().decode(Status.self, from: Data(bytes))
    }

    func metrics(_ world: ImportRunHarness) throws -> [String: String] {
        let text = try #require(world.fileSystem.text(Self.metricsPath))
        var samples: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            samples[String(parts[0])] = String(parts[1])
        }
        return samples
    }

    @Test func aSuccessfulRunWritesItsStatusAndMetrics() throws {
        let world = harness(users: ["alice", "bob", "ubuntu"])
        let config = Self.config + "METRICS_FILE=\"\(Self.metricsPath)\"\n"
        #expect(try world.run(config).exitCode == .ok)
        let status = try status(world)
        let now = "2027-01-15T08:00:00Z"
        #expect(status.format == 1 && status.result == "ok" && status.exitCode == 0 && status.error == nil)
        #expect(status.startedAt == now && status.finishedAt == now && status.lastSuccessAt == now)
        #expect(status.managedAccounts == 2)
        #expect(status.counts == .init(created: 2, updated: 0, locked: 0, deleted: 0, conflicts: 1, failures: 0))
        #expect(world.fileSystem.node(ImportRunHarness.statusPath)?.mode == 0o644)
        #expect(world.fileSystem.node(Self.metricsPath)?.mode == 0o644)
        let samples = try metrics(world)
        #expect(samples["aws_ec2_ssh_import_last_success_timestamp_seconds"] == "1800000000")
        #expect(samples["aws_ec2_ssh_import_last_run_success"] == "1")
        #expect(samples["aws_ec2_ssh_import_last_run_exit_code"] == "0")
        #expect(samples["aws_ec2_ssh_import_last_run_accounts{change=\"created\"}"] == "2")
        #expect(samples["aws_ec2_ssh_import_last_run_conflicts"] == "1")
        #expect(samples["aws_ec2_ssh_import_managed_accounts"] == "2")
    }

    @Test func aFailedRunKeepsTheTimeOfTheLastSuccess() throws {
        let world = harness()
        let config = Self.config + "METRICS_FILE=\"\(Self.metricsPath)\"\n"
        #expect(try world.run(config).exitCode == .ok)
        world.time.advance(by: 600)
        world.aws.update {
            $0.users = .failure(
                AWSError.service(code: "SignatureDoesNotMatch", message: "no", requestID: nil, status: 403))
        }
        #expect(try world.run(config).exitCode == .aws)
        let status = try status(world)
        #expect(status.result == "failed" && status.exitCode == 3)
        #expect(status.finishedAt == "2027-01-15T08:10:00Z" && status.lastSuccessAt == "2027-01-15T08:00:00Z")
        #expect(status.error?.contains("SignatureDoesNotMatch") == true)
        #expect(status.counts.failures == 1 && status.managedAccounts == 2)
        let samples = try metrics(world)
        #expect(samples["aws_ec2_ssh_import_last_success_timestamp_seconds"] == "1800000000")
        #expect(samples["aws_ec2_ssh_import_last_run_timestamp_seconds"] == "1800000600")
        #expect(samples["aws_ec2_ssh_import_last_run_success"] == "0")
        #expect(world.log.all.filter { $0.hasPrefix("error:") }.count == 1)
        #expect(world.log.text.contains("AWS rejected the credentials"))
    }

    @Test func aHostThatNeverSucceededReportsZeroAsItsLastSuccess() throws {
        let world = ImportRunHarness(aws: FakeAWSReader(.init(users: .failure(AWSError.noCredentials(tried: ["env"])))))
        try world.fileSystem.createDirectory("/var/lib/node-exporter", mode: 0o755, owner: .root)
        #expect(try world.run("METRICS_FILE=\"\(Self.metricsPath)\"\n").exitCode == .aws)
        #expect(try status(world).lastSuccessAt == nil)
        #expect(try metrics(world)["aws_ec2_ssh_import_last_success_timestamp_seconds"] == "0")
        #expect(world.log.text.contains("attach an instance profile"))
    }

    @Test func anUnwritableMetricsFileIsLoggedAndDoesNotChangeTheExitStatus() throws {
        let world = harness()
        world.fileSystem.failWrites(to: Self.metricsPath)
        #expect(try world.run(Self.config + "METRICS_FILE=\"\(Self.metricsPath)\"\n").exitCode == .ok)
        #expect(world.log.text.contains("cannot write the metrics file (METRICS_FILE) \(Self.metricsPath)"))
        #expect(try status(world).result == "ok")
    }

    @Test func aRunAsAnotherUserThanRootIsRefusedBeforeAnything() throws {
        for options in [ImportOptions(), ImportOptions(dryRun: true)] {
            let world = harness()
            world.effectiveUID.withLock { $0 = 1000 }
            #expect(try world.run(Self.config, options).exitCode == .configuration)
            #expect(world.aws.calls.isEmpty && world.host.commands.isEmpty && world.fileSystem.changes.isEmpty)
            #expect(world.log.text.contains("import_users must run as root (it runs as uid 1000)"))
        }
    }

    @Test func aRealJSONRunReportsWhatBecameOfEachAction() throws {
        let world = harness()
        world.host.fail(
            "/usr/sbin/useradd --user-group --create-home --shell /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 --groups iam-synced-users,docker -- alice"
        )
        #expect(try world.run(Self.config, ImportOptions(json: true)).exitCode == .partial)
        struct Document: Decodable {
            struct Action: Decodable {
                var type: String
                var result: String
                var message: String?
            }
            var format: Int
            var mode: String
            var actions: [Action]
            var summary: [String: Int]
        }
        let document = try JSONDecoder().decode(Document.self, from: Data(world.output.utf8))
        #expect(document.format == 1 && document.mode == "apply")
        // alice's creation fails, so her sudo grant is skipped; bob's creation still runs.
        #expect(document.actions.map(\.result) == ["applied", "failed", "applied", "skipped"])
        #expect(document.actions[1].type == "createUser" && document.actions[1].message?.contains("useradd") == true)
        #expect(document.actions[3].type == "writeSudoers")
        #expect(document.summary["failed"] == 1 && document.summary["applied"] == 2 && document.summary["skipped"] == 1)
        #expect(try status(world).counts.failures == 1)
    }

    @Test func theLogSaysHowManyChangesInWords() throws {
        let world = harness(users: ["alice"])
        #expect(try world.run(Self.config).exitCode == .ok)
        #expect(world.log.all.contains("notice: applying 3 changes"))
        #expect(world.log.all.contains("notice: done: 3 changes applied, 1 managed account"))
        #expect(!world.log.text.contains("action(s)"))
    }
}
