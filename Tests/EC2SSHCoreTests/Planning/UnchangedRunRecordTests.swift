import EC2SSHCore
import Testing

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct UnchangedRunRecordTests {
    static let recordedAt = Date(timeIntervalSince1970: 1_000_000)
    static let record = UnchangedRunRecord(
        digest: "abc", recordedAt: recordedAt, validUntil: recordedAt.addingTimeInterval(3600), managedAccounts: 3)

    @Test(arguments: [
        ("abc", 0.0, true),
        ("abc", 3599.9, true),
        ("abd", 10.0, false),  // other inputs
        ("abc", -1.0, false),  // the clock was set back
        ("abc", 3600.0, false),  // an access expiry is reached
        ("abc", 7200.0, false),
    ])
    func holdsOnlyForTheSameDigestWithinItsWindow(digest: String, after seconds: Double, holds: Bool) {
        #expect(Self.record.holds(digest: digest, at: Self.recordedAt.addingTimeInterval(seconds)) == holds)
    }

    @Test func withoutExpiriesItHoldsForAnyLaterTime() {
        let record = UnchangedRunRecord(digest: "x", recordedAt: Self.recordedAt, validUntil: nil, managedAccounts: 0)
        #expect(record.holds(digest: "x", at: Self.recordedAt.addingTimeInterval(86_400 * 365)))
    }

    @Test func validUntilIsTheEarliestExpiryStillAhead() {
        let now = Self.recordedAt
        let expiries = [-10.0, 50, 20, 3000].map { now.addingTimeInterval($0) }
        #expect(UnchangedRunRecord.validUntil(expiries: expiries, now: now) == now.addingTimeInterval(20))
        #expect(UnchangedRunRecord.validUntil(expiries: [now, now.addingTimeInterval(-1)], now: now) == nil)
    }

    @Test(arguments: [
        ([100.0, 997.9], true),
        ([998.0], false),  // changed less than settleSeconds before the run
        ([1005.0], false),  // changed after the run started (a clock that went back)
        ([Double](), true),
    ])
    func onlySettledIdentitiesCount(changedAt: [Double], settled: Bool) {
        #expect(
            UnchangedRunRecord.settled(changedAt: changedAt, startedAt: Date(timeIntervalSince1970: 1000)) == settled)
    }

    @Test func roundTripsAndRefusesAnythingElse() throws {
        #expect(UnchangedRunRecord.decoded(from: try Self.record.encoded()) == Self.record)
        #expect(UnchangedRunRecord.decoded(from: Data("{".utf8)) == nil)
        #expect(UnchangedRunRecord.decoded(from: Data()) == nil)
        var later = Self.record
        later.format = UnchangedRunRecord.format + 1
        #expect(UnchangedRunRecord.decoded(from: try later.encoded()) == nil)
        #expect(!later.holds(digest: "abc", at: Self.recordedAt))
    }
}

@Suite struct RunInputsTests {
    typealias F = PlanFixtures

    static func bytes(_ view: IAMView, _ configuration: Configuration = Configuration()) -> [UInt8] {
        var inputs = RunInputs()
        inputs.add(configuration: configuration)
        inputs.add(view: view)
        return inputs.bytes
    }

    static let base = IAMView(
        users: [F.user("alice"), F.user("bob", tags: ["expires": "2030-01-01"])], authorized: .all,
        sudo: .members(["alice"]), groupMembers: ["devs": ["alice", "bob"]])

    @Test(arguments: [
        IAMView(users: [F.user("alice")], sudo: .members(["alice"]), groupMembers: ["devs": ["alice", "bob"]]),
        IAMView(
            users: [F.user("alice", id: "AIDAOTHER"), F.user("bob", tags: ["expires": "2030-01-01"])],
            sudo: .members(["alice"]), groupMembers: ["devs": ["alice", "bob"]]),
        IAMView(
            users: [F.user("alice"), F.user("bob", tags: ["expires": "2030-01-02"])], sudo: .members(["alice"]),
            groupMembers: ["devs": ["alice", "bob"]]),
        IAMView(
            users: [F.user("alice"), F.user("bob", tags: ["expires": "2030-01-01"])], authorized: .members(["alice"]),
            sudo: .members(["alice"]), groupMembers: ["devs": ["alice", "bob"]]),
        IAMView(
            users: [F.user("alice"), F.user("bob", tags: ["expires": "2030-01-01"])], sudo: .all,
            groupMembers: ["devs": ["alice", "bob"]]),
        IAMView(
            users: [F.user("alice"), F.user("bob", tags: ["expires": "2030-01-01"])], sudo: .members(["alice"]),
            groupMembers: ["devs": ["alice"]]),
        IAMView(
            users: [F.user("alice"), F.user("bob", tags: ["expires": "2030-01-01"])], sudo: .members(["alice"]),
            groupMembers: ["devs": ["alice", "bob"]], failedReads: ["GetGroup ops: AccessDenied"]),
    ])
    func everyPartOfTheViewCounts(changed: IAMView) {
        #expect(Self.bytes(changed) != Self.bytes(Self.base))
    }

    @Test func orderOfUsersSetsAndDictionariesDoesNotCount() throws {
        let reordered = IAMView(
            users: [F.user("bob", tags: ["expires": "2030-01-01"]), F.user("alice")], authorized: .all,
            sudo: .members(["alice"]), groupMembers: ["devs": ["bob", "alice"]])
        #expect(Self.bytes(reordered) == Self.bytes(Self.base))
        var first = Configuration()
        var second = Configuration()
        for key in ["a", "b", "c", "d", "e", "f"] { first.localGroupMap[key] = [key] }
        for key in ["f", "e", "d", "c", "b", "a"] { second.localGroupMap[key] = [key] }
        #expect(Self.bytes(Self.base, first) == Self.bytes(Self.base, second))
    }

    @Test(arguments: [
        "LOCAL_GROUPS=\"docker\"", "SUDOERS_RULE=\"ALL=(ALL) ALL\"", "UID_SOURCE=\"iam-user-id\"",
        "LOCAL_GROUP_MAP=\"devs:docker\"", "DELETE_AFTER_MISSING_RUNS=\"3\"", "USERADD_ARGS=\"-m\"",
        "SUBORDINATE_IDS=\"1\"", "ACCOUNT_BACKEND=\"batch\"", "ACCESS_EXPIRY_TAG=\"expires\"",
        "AWS_REGION=\"eu-west-1\"",
    ])
    func everySettingCounts(line: String) throws {
        let (configuration, _) = try Configuration.parse(line + "\n", path: "test")
        #expect(Self.bytes(Self.base, configuration) != Self.bytes(Self.base))
    }

    @Test func everySettingHasADeterministicForm() {
        // A Set or a dictionary of another type would print in an order that changes from one process to the next.
        for child in Mirror(reflecting: Configuration()).children {
            let value = child.value
            let known =
                value is String || value is [String] || value is Bool || value is Int || value is String?
                || value is ClosedRange<UInt32> || value is UIDSource || value is AccountBackend
                || value is [String: String]
                || value is [String: [String]]
            #expect(known, "\(child.label ?? "?"): add its type to RunInputs.add(configuration:)")
        }
    }

    @Test func observationsCount() {
        var first = RunInputs()
        first.add(observed: .init(arns: ["alice": "arn:1"], tagsRead: ["alice"], accessExpiries: [:]))
        var second = RunInputs()
        second.add(observed: .init(arns: ["alice": "arn:2"], tagsRead: ["alice"], accessExpiries: [:]))
        #expect(first.bytes != second.bytes)
    }

    @Test func labelsAndLengthsKeepValuesApart() {
        var first = RunInputs()
        first.add("a", "b\nc=1:d")
        var second = RunInputs()
        second.add("a", "b")
        second.add("c", "d")
        #expect(first.bytes != second.bytes)
    }
}
