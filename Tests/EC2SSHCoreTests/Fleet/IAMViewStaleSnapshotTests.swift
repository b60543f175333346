import Testing

@testable import EC2SSHCore

@Suite struct IAMViewStaleSnapshotTests {
    @Test func aStaleViewAuthorizesOnlyManagedUsersAndIsIncomplete() {
        let view = IAMView(
            users: ["alice", "bob", "carol"].map { IAMView.User(userName: $0, userID: "AIDA" + $0) },
            authorized: .members(["alice", "carol"]), sudo: .all, groupMembers: ["devs": ["alice"]])
        let held = view.heldForStaleSnapshot(reason: "old", managedIAMNames: ["alice", "bob"])
        #expect(held.authorized == .members(["alice"]), "bob is not authorized by the snapshot, carol has no account")
        #expect(held.sudo == .members([]))
        #expect(held.groupMembers.isEmpty)
        #expect(!held.isComplete)
        #expect(held.failedReads == ["old"])
        #expect(held.effectiveUncertainty == .total)
        #expect(held.users == view.users)
    }
}
