import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct ManagedStateTests {
    static let sample = ManagedState(accounts: [
        "alice": .init(
            iamUserName: "alice", iamUserID: "AIDAALICE", uid: 2000, createdAt: PlanFixtures.now, sudo: true,
            grantedGroups: ["docker"], missingRuns: 1, status: .active),
        "bob": .init(
            iamUserName: "bob", iamUserID: "AIDABOB", uid: nil, createdAt: PlanFixtures.now, status: .creating),
    ])

    @Test func roundTripsThroughJSON() throws {
        let data = try Self.sample.encoded()
        #expect(try ManagedState.decoded(from: data) == Self.sample)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"createdAt\" : \"2027-01-15T08:00:00Z\""))
        #expect(text.contains("\"version\" : 1"))
        #expect(text.hasSuffix("}\n"))
    }

    @Test func theLockIsRecordedOnlyWhenSetSoOlderFilesReadTheSame() throws {
        var locked = Self.sample
        locked.accounts["alice"]?.lock = .locked
        let text = String(decoding: try locked.encoded(), as: UTF8.self)
        #expect(text.contains("\"lock\" : \"locked\""))
        #expect(try ManagedState.decoded(from: try locked.encoded()) == locked)
        #expect(!String(decoding: try Self.sample.encoded(), as: UTF8.self).contains("\"lock\""))
    }

    @Test func refusesNewerSchema() {
        let data = Data("{\"version\": 2, \"accounts\": {}}".utf8)
        #expect(throws: PlanError.unsupportedStateVersion(found: 2, supported: 1)) {
            try ManagedState.decoded(from: data)
        }
    }

    @Test(arguments: [
        "", "not json", "{\"accounts\": {}}", "{\"version\": 0, \"accounts\": {}}", "{\"version\": 1}",
        "{\"version\": 1, \"accounts\": {\"bad name\": {\"iamUserName\": \"x\", \"iamUserID\": \"y\", "
            + "\"createdAt\": \"2027-01-15T08:00:00Z\", \"sudo\": false, \"grantedGroups\": [], \"missingRuns\": 0, "
            + "\"status\": \"active\"}}}",
        "{\"version\": 1, \"accounts\": {\"ok\": {\"iamUserName\": \"x\", \"iamUserID\": \"y\", "
            + "\"createdAt\": \"2027-01-15T08:00:00Z\", \"sudo\": false, \"grantedGroups\": [], \"missingRuns\": 0, "
            + "\"status\": \"exploding\"}}}",
    ])
    func refusesCorruptFiles(text: String) {
        #expect {
            try ManagedState.decoded(from: Data(text.utf8))
        } throws: { error in
            guard case .corruptState = error as? PlanError else { return false }
            return "\(error)".contains("state file is corrupt")
        }
    }

    @Test func recordingUIDChangesOnlyThatEntry() {
        let updated = Self.sample.recordingUID(2001, for: "bob").recordingUID(9, for: "nobody")
        #expect(updated.accounts["bob"]?.uid == 2001)
        #expect(updated.accounts["alice"] == Self.sample.accounts["alice"])
        #expect(updated.accounts["nobody"] == nil)
    }
}
