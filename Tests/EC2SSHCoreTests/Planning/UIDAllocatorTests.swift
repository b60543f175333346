import Testing

@testable import EC2SSHCore

@Suite struct UIDAllocatorTests {
    static let defaultRange: ClosedRange<UInt32> = 70_000...99_999
    static let small: ClosedRange<UInt32> = 2000...2009

    private func assign(
        _ users: [UIDRequest], managed: Set<UInt32> = [], hostUIDs: Set<UInt32> = [], hostGIDs: Set<UInt32> = [],
        range: ClosedRange<UInt32> = small
    ) -> [String: Result<UIDAssignment, EC2SSHError>] {
        UIDAllocator.assign(users, managedUIDs: managed, hostUIDs: hostUIDs, hostGIDs: hostGIDs, range: range)
    }

    private func uids(_ results: [String: Result<UIDAssignment, EC2SSHError>]) -> [String: UInt32] {
        results.compactMapValues { try? $0.get().uid }
    }

    /// Fixed values: if the hash or the mapping changes, hosts would disagree with UIDs given out before.
    @Test(arguments: [
        ("AIDAJQABLZS4A3QDU576Q", 89_380 as UInt32),
        ("AIDACKCEVSQ6C2EXAMPLE", 71_203),
        ("AIDA000000000000000B1", 78_149),
    ])
    func knownUserIDsGetKnownUIDs(userID: String, uid: UInt32) {
        #expect(UIDAllocator.preferredUID(for: userID, in: Self.defaultRange) == uid)
        let results = assign([UIDRequest(localName: "u", iamUserID: userID)], range: Self.defaultRange)
        #expect(results["u"] == .success(UIDAssignment(uid: uid, gid: uid)))
    }

    @Test func sameAnswerOnEveryCall() {
        let users = (0..<50).map { UIDRequest(localName: "user\($0)", iamUserID: "AIDA\($0)EXAMPLE") }
        let first = assign(users, range: Self.defaultRange)
        #expect(first.count == 50)
        #expect(Set(uids(first).values).count == 50)
        for _ in 0..<3 {
            #expect(assign(users, range: Self.defaultRange) == first)
        }
    }

    /// "a" and "AIDAZZZZZZZZZZZZZZZZZ" both prefer 2006 in 2000...2009; "a" has the lower hash and wins.
    static let colliding = [
        UIDRequest(localName: "zed", iamUserID: "AIDAZZZZZZZZZZZZZZZZZ"),
        UIDRequest(localName: "ann", iamUserID: "a"),
    ]

    @Test func collisionsProbeForwardInHashOrder() {
        #expect(UIDAllocator.preferredUID(for: "a", in: Self.small) == 2006)
        #expect(UIDAllocator.preferredUID(for: "AIDAZZZZZZZZZZZZZZZZZ", in: Self.small) == 2006)
        #expect(uids(assign(Self.colliding)) == ["ann": 2006, "zed": 2007])
    }

    @Test func inputOrderDoesNotMatter() {
        let users = Self.colliding + (0..<8).map { UIDRequest(localName: "u\($0)", iamUserID: "AIDA\($0)") }
        let expected = assign(users)
        #expect(expected.count == 10)
        #expect(assign(users.reversed()) == expected)
        #expect(assign(users.sorted { $0.localName < $1.localName }) == expected)
        #expect(assign(Array(users[5...] + users[..<5])) == expected)
    }

    static let exclusions: [(Set<UInt32>, Set<UInt32>, Set<UInt32>, [String: UInt32])] = [
        ([2006], [], [], ["ann": 2007, "zed": 2008]),
        ([], [2006, 2007], [], ["ann": 2008, "zed": 2009]),
        ([], [], [2007], ["ann": 2006, "zed": 2008]),
        ([2006], [2007], [2008], ["ann": 2009, "zed": 2000]),
        ([], [1999, 2010, 65_534], [0, 100], ["ann": 2006, "zed": 2007]),
    ]

    @Test(arguments: exclusions)
    func neverUsesTakenIDs(
        managed: Set<UInt32>, hostUIDs: Set<UInt32>, hostGIDs: Set<UInt32>, expected: [String: UInt32]
    ) {
        let results = assign(Self.colliding, managed: managed, hostUIDs: hostUIDs, hostGIDs: hostGIDs)
        #expect(uids(results) == expected)
        for result in results.values {
            let assignment = try? result.get()
            #expect(assignment?.gid == assignment?.uid)
        }
    }

    @Test func wrapsAroundToTheStartOfTheRange() {
        let user = UIDRequest(localName: "b1", iamUserID: "AIDA000000000000000B1")
        #expect(UIDAllocator.preferredUID(for: user.iamUserID, in: Self.small) == 2009)
        #expect(uids(assign([user], hostUIDs: [2009])) == ["b1": 2000])
    }

    @Test func fullRangeFailsOnlyTheUsersThatFindNoRoom() {
        // Hash order: "foobar", "a", "": the last one finds 2000...2001 full.
        let users = [
            UIDRequest(localName: "empty", iamUserID: ""),
            UIDRequest(localName: "ann", iamUserID: "a"),
            UIDRequest(localName: "fb", iamUserID: "foobar"),
        ]
        let range: ClosedRange<UInt32> = 2000...2001
        let results = assign(users, range: range)
        #expect(uids(results) == ["fb": 2000, "ann": 2001])
        #expect(results["empty"] == .failure(.uidRangeExhausted(localName: "empty", range: range)))
    }

    @Test func rangeTakenByTheHostFailsEveryone() {
        let results = assign(Self.colliding, hostUIDs: Set(2000...2004), hostGIDs: Set(2005...2009))
        #expect(results.count == 2)
        for (name, result) in results {
            #expect(result == .failure(.uidRangeExhausted(localName: name, range: Self.small)))
        }
        let error = EC2SSHError.uidRangeExhausted(localName: "ann", range: Self.small)
        #expect(error.description.contains("UID_RANGE 2000-2009 for user ann"))
    }

    @Test func skipsNobodyAndTheSixteenBitMinusOne() {
        let user = UIDRequest(localName: "n", iamUserID: "a")
        #expect(uids(assign([user], range: 65_534...65_536)) == ["n": 65_536])
        #expect(
            assign([user], range: 65_534...65_535)["n"]
                == .failure(.uidRangeExhausted(localName: "n", range: 65_534...65_535)))
    }

    @Test func aDuplicateLocalNameGetsOneUID() {
        let users = [UIDRequest(localName: "x", iamUserID: "a"), UIDRequest(localName: "x", iamUserID: "foobar")]
        let results = assign(users)
        #expect(results.count == 1)
        #expect(assign(users.reversed()) == results)
    }

    @Test func noUsersNoAssignments() {
        #expect(assign([]).isEmpty)
    }

    @Test func worksAtTheTopOfTheUIDSpace() {
        let top: ClosedRange<UInt32> = 4_294_967_290...4_294_967_294
        let results = assign(Self.colliding, range: top)
        #expect(uids(results).values.allSatisfy { top.contains($0) })
        #expect(Set(uids(results).values).count == 2)
    }
}
