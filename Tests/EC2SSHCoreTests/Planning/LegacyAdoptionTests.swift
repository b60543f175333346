import Testing

@testable import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Adoption of the bash tool's accounts stays in force from `--adopt-legacy-accounts` until one clean run.
@Suite struct LegacyAdoptionTests {
    /// requested, pending, dryRun -> records, adopts, clears after a clean run, clears after a failed run.
    @Test(arguments: [
        (false, false, false, false, false, false, false),
        (true, false, false, true, true, true, false),
        (false, true, false, false, true, true, false),
        (true, true, false, true, true, true, false),
        (true, false, true, false, true, false, false),
        (false, true, true, false, true, false, false),
        (false, false, true, false, false, false, false),
    ])
    func theDecision(
        requested: Bool, pending: Bool, dryRun: Bool, records: Bool, adopts: Bool, clearsClean: Bool,
        clearsFailed: Bool
    ) {
        let decision = LegacyAdoption(requested: requested, pending: pending, dryRun: dryRun)
        #expect(decision.records == records)
        #expect(decision.adopts == adopts)
        #expect(decision.clears(completedCleanly: true) == clearsClean)
        #expect(decision.clears(completedCleanly: false) == clearsFailed)
    }

    @Test func messagesSayWhereAPendingAdoptionCameFrom() {
        #expect(LegacyAdoption(requested: true, pending: true, dryRun: false).optionName == "--adopt-legacy-accounts")
        #expect(
            LegacyAdoption(requested: false, pending: true, dryRun: false).optionName
                == "--adopt-legacy-accounts (pending from an earlier run)")
    }

    @Test func theMarkerIsJSONWithTheRequestTime() throws {
        struct Marker: Decodable {
            var format: Int
            var requestedAt: Date
            var version: String
        }
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let marker = try decoder.decode(
            Marker.self, from: Data(LegacyAdoption.marker(requestedAt: date, version: "1.2.3")))
        #expect(marker.format == 1)
        #expect(marker.requestedAt == date)
        #expect(marker.version == "1.2.3")
    }
}
