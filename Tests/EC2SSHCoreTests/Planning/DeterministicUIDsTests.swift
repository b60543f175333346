import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct DeterministicUIDsTests {
    static let range: ClosedRange<UInt32> = 70_000...70_009

    func desired(_ names: [String]) -> DesiredState {
        DesiredState(
            accounts: names.map {
                .init(localName: $0, iamUserName: $0, iamUserID: "AIDA\($0)", sudo: false, groups: [])
            })
    }

    @Test func newAccountsGetTheirPreferredUID() {
        let choice = DeterministicUIDs.choose(
            desired: desired(["alice"]), state: ManagedState(), local: LocalSnapshot(), range: Self.range)
        #expect(choice.uids == ["alice": UIDAllocator.preferredUID(for: "AIDAalice", in: Self.range)])
        #expect(choice.failures.isEmpty)
    }

    @Test func existingAccountsGetNoneAndUIDsInUseAreSkipped() {
        let preferred = UIDAllocator.preferredUID(for: "AIDAalice", in: Self.range)
        let local = LocalSnapshot(
            accounts: [.init(name: "bob", uid: 1500, gid: 1500), .init(name: "squatter", uid: preferred, gid: 1)])
        let choice = DeterministicUIDs.choose(
            desired: desired(["alice", "bob"]), state: ManagedState(), local: local, range: Self.range)
        #expect(choice.uids.keys.sorted() == ["alice"])
        #expect(choice.uids["alice"] != preferred)
        #expect(choice.uids["alice"].map(Self.range.contains) == true)
    }

    @Test func aGroupLeftByAnInterruptedCreationIsReused() {
        let preferred = UIDAllocator.preferredUID(for: "AIDAalice", in: Self.range)
        let local = LocalSnapshot(groups: ["alice"], usedGIDs: [preferred], groupIDs: ["alice": preferred])
        let reused = DeterministicUIDs.choose(
            desired: desired(["alice"]), state: ManagedState(), local: local, range: Self.range)
        #expect(reused.uids["alice"] == preferred)
        let foreign = DeterministicUIDs.choose(
            desired: desired(["alice"]), state: ManagedState(),
            local: LocalSnapshot(groups: ["alice"], usedGIDs: [preferred], groupIDs: ["other": preferred]),
            range: Self.range)
        #expect(foreign.uids["alice"] != preferred)
    }

    @Test func aFullRangeFailsOnlyTheUsersWithoutRoom() {
        let local = LocalSnapshot(usedUIDs: Set(70_000...70_008))
        let choice = DeterministicUIDs.choose(
            desired: desired(["alice", "bob"]), state: ManagedState(), local: local, range: Self.range)
        #expect(choice.uids.count == 1)
        #expect(choice.failures.count == 1)
    }
}
