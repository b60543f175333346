import Synchronization
import Testing

@testable import AWSCore
@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension ScriptedTransport.Step {
    /// A step answering with the fixture file `name` (without `.xml`) and `status`.
    static func fixture(
        _ action: String, _ name: String, status: Int = 200, expect: [String: String?] = [:],
        headers: [HTTPField] = [HTTPField("Content-Type", "text/xml")]
    ) -> Self {
        Self(
            action: action, expect: expect,
            answer: .success(HTTPResponse(status: status, headers: headers, body: Fixture.bytes(name))))
    }
}

/// Loads test fixtures from `Tests/AWSCoreTests/Fixtures` next to this file.
enum Fixture {
    /// The bytes of `Fixtures/NAME.xml`; a missing or unreadable fixture fails the test.
    static func bytes(_ name: String) -> [UInt8] {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)  // Support/Fixture.swift
        let path = (parts + ["Fixtures", Substring("\(name).xml")]).joined(separator: "/")
        do {
            guard let bytes = try SystemFileReader().contents(atPath: path) else {
                Issue.record("missing fixture \(path)")
                return []
            }
            return bytes
        } catch {
            Issue.record("cannot read fixture \(path): \(error)")
            return []
        }
    }
}
