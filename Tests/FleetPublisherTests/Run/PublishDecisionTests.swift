import FleetPublisher
import Testing

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// When to publish and with which serial, without S3 or KMS.
@Suite struct PublishDecisionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func object(serial: UInt64, age: Double, content: String = "same", verified: Bool = true)
        -> PublishedObject
    {
        PublishedObject(
            serial: serial, generated: now.addingTimeInterval(-age), contentSHA256: content, verified: verified,
            problem: verified ? nil : "bad signature")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var lastSerial: UInt64?
        var current: PublishedObject?
        var expected: PublishDecision
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "first publish", lastSerial: nil, current: nil, expected: .publish(serial: 1, reason: .firstPublish)),
        Case(
            name: "state but no object", lastSerial: 7, current: nil,
            expected: .publish(serial: 8, reason: .firstPublish)),
        Case(
            name: "unchanged and recent", lastSerial: 7, current: object(serial: 7, age: 899),
            expected: .unchanged(serial: 7, age: 899)),
        Case(
            name: "unchanged but due", lastSerial: 7, current: object(serial: 7, age: 900),
            expected: .publish(serial: 8, reason: .resign(age: 900))),
        Case(
            name: "changed", lastSerial: 7, current: object(serial: 7, age: 1, content: "other"),
            expected: .publish(serial: 8, reason: .changed)),
        Case(
            name: "a higher verified serial in S3", lastSerial: 7,
            current: object(serial: 41, age: 1, content: "other"),
            expected: .publish(serial: 42, reason: .changed)),
        Case(
            name: "a lower serial in S3 (state ahead)", lastSerial: 9, current: object(serial: 3, age: 1, content: "x"),
            expected: .publish(serial: 10, reason: .changed)),
        Case(
            name: "an unverified object never raises the serial", lastSerial: 7,
            current: object(serial: 1_000, age: 1, verified: false),
            expected: .publish(serial: 8, reason: .replacesUnverified("bad signature"))),
        Case(
            name: "an object from the future is re-signed", lastSerial: 7, current: object(serial: 7, age: -60),
            expected: .publish(serial: 8, reason: .resign(age: -60))),
        Case(
            name: "another publisher's recent identical object", lastSerial: nil, current: object(serial: 12, age: 10),
            expected: .unchanged(serial: 12, age: 10)),
    ]

    @Test(arguments: cases)
    func decides(_ test: Case) throws {
        let decision = try PublishDecision.decide(
            lastSerial: test.lastSerial, current: test.current, contentSHA256: "same", now: Self.now,
            resignInterval: 900)
        #expect(decision == test.expected)
    }

    @Test func theSerialCannotOverflow() {
        #expect(throws: PublishError.self) {
            try PublishDecision.decide(
                lastSerial: UInt64.max, current: nil, contentSHA256: "x", now: Self.now, resignInterval: 900)
        }
    }
}
