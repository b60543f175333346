import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct AccessExpiryTests {
    @Test(
        arguments: [
            ("1970-01-01", 0.0),
            ("2027-01-15", 1_800_000_000.0 - 8 * 3600),
            ("2027-01-15T08:00:00Z", 1_800_000_000),
            ("2027-01-15t08:00:00z", 1_800_000_000),
            ("2027-01-15T08:00Z", 1_800_000_000),
            ("2027-01-15T09:00:00+01:00", 1_800_000_000),
            ("2027-01-15T09:00:00+0100", 1_800_000_000),
            ("2027-01-15T09:00:00+01", 1_800_000_000),
            ("2027-01-15T03:30:00-04:30", 1_800_000_000),
            ("2027-01-15T08:00:00.250Z", 1_800_000_000.25),
            ("  2027-01-15T08:00:00Z\n", 1_800_000_000),
            ("2024-02-29", 1_709_164_800),
            ("2000-03-01T00:00:00Z", 951_868_800),
        ] as [(String, Double)])
    func parsesDatesAndDateTimes(text: String, epoch: Double) throws {
        let date = try #require(AccessExpiry.parse(text))
        #expect(abs(date.timeIntervalSince1970 - epoch) < 0.0001)
    }

    @Test(arguments: [
        "", "tomorrow", "2027-01-15T08:00:00", "2027-13-01", "2027-02-29", "2023-04-31", "2027-01-15T24:00:00Z",
        "2027-01-15T08:60:00Z", "2027-01-15T08:00:60Z", "2027-01-15T08:00:00.Z", "2027-01-15 08:00:00Z",
        "27-01-15", "2027-1-15", "2027-01-15Z", "2027-01-15T08:00:00+1", "2027-01-15T08:00:00Zjunk", "١٩٧٠-01-01",
    ])
    func rejectsEverythingElse(text: String) {
        #expect(AccessExpiry.parse(text) == nil)
    }

    @Test func statusAtTheBoundaryIsExpired() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(AccessExpiry.status(ofTagValue: "2027-01-15T08:00:00Z", now: now) == .expired(at: now))
        #expect(
            AccessExpiry.status(ofTagValue: "2027-01-15T08:00:01Z", now: now)
                == .valid(until: now.addingTimeInterval(1)))
        #expect(AccessExpiry.status(ofTagValue: "soon", now: now) == .unparseable)
    }
}
