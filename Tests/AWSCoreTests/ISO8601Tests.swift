import Testing

@testable import AWSCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct ISO8601Tests {
    @Test(arguments: [
        ("2026-11-23T11:42:41Z", 1_795_434_161.0),
        ("2026-11-23T11:42:41.454110Z", 1_795_434_161.454_110),
        ("2026-01-02T03:04:07.5Z", 1_767_323_047.5),
        ("2000-02-29T00:00:00Z", 951_782_400.0),
        ("1969-12-31T23:59:59Z", -1.0),
        ("2024-12-31T23:59:59z", 1_735_689_599.0),
        ("2026-11-23T13:42:41+02:00", 1_795_434_161.0),
        ("2026-11-23T06:12:41-05:30", 1_795_434_161.0),
    ])
    func parses(text: String, epoch: Double) throws {
        let date = try #require(ISO8601.date(from: text))
        #expect(abs(date.timeIntervalSince1970 - epoch) < 0.000_001)
    }

    @Test(arguments: [
        "", "2026-11-23", "2026-11-23T11:42:41", "2026-11-23 11:42:41Z", "2026-13-01T00:00:00Z",
        "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T11:60:00Z",
        "2026-11-23T11:42:41.Z", "2026-11-23T11:42:41ZZ", "2026-11-23T11:42:41+0200", "2026-11-23T11:42:41+25:00",
        "2026-11-23T11:42:41.5", "20x6-11-23T11:42:41Z", "+026-11-23T11:42:41Z", "2026-11-23T11:42:41Q",
    ])
    func rejects(text: String) {
        #expect(ISO8601.date(from: text) == nil)
    }

    @Test func requiredDateNamesTheElement() throws {
        let element = XMLElement(
            name: "Credentials", children: [XMLElement(name: "Expiration", text: "tomorrow")], path: "R/Credentials")
        #expect(
            throws: AWSError.malformedResponse(
                detail: "R/Credentials/Expiration is not an ISO-8601 timestamp: tomorrow")
        ) {
            try element.requiredDate(of: "Expiration")
        }
        #expect(try element.optionalDate(of: "CreateDate") == nil)
        #expect(throws: AWSError.malformedResponse(detail: "missing element R/Credentials/UploadDate")) {
            try element.requiredDate(of: "UploadDate")
        }
    }
}
