#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// The snapshot object now in S3, as the publisher sees it.
public struct PublishedObject: Sendable, Equatable {
    /// Its serial.
    public var serial: UInt64
    /// Its generation (and signing) time.
    public var generated: Date
    /// The SHA-256 (hex) of its users and groups, ignoring serial and generation time.
    public var contentSHA256: String
    /// Whether its signature verified with the KMS key's public key (an object this publisher put counts).
    public var verified: Bool
    /// Why it did not verify, when it did not.
    public var problem: String?

    /// An object description from its parts.
    public init(serial: UInt64, generated: Date, contentSHA256: String, verified: Bool, problem: String? = nil) {
        self.serial = serial
        self.generated = generated
        self.contentSHA256 = contentSHA256
        self.verified = verified
        self.problem = problem
    }
}

/// Whether to publish, and with which serial: pure, so every case is tested without S3 or KMS.
public enum PublishDecision: Sendable, Equatable {
    /// The object in S3 has the same users and groups and was signed less than the re-sign interval ago.
    case unchanged(serial: UInt64, age: Double)
    /// Sign and put a snapshot with `serial`, for `reason`.
    case publish(serial: UInt64, reason: Reason)

    /// Why a snapshot is published.
    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        /// There is no object in S3 yet.
        case firstPublish
        /// IAM differs from the object in S3.
        case changed
        /// Nothing changed, but the object was signed `age` seconds ago, not less than the re-sign interval.
        case resign(age: Double)
        /// The object in S3 does not verify (tampered, another key, malformed); it is replaced.
        case replacesUnverified(String)

        /// A few words for the log.
        public var description: String {
            switch self {
            case .firstPublish: return "no snapshot in S3 yet"
            case .changed: return "IAM changed"
            case .resign(let age): return "unchanged, but signed \(Int(age)) s ago (re-signed)"
            case .replacesUnverified(let problem): return "the object in S3 does not verify (\(problem))"
            }
        }
    }

    /// The decision for a read whose users and groups hash to `contentSHA256`, with `current` in S3 (`nil`: no
    /// object) and `lastSerial` the serial this publisher last put (`nil`: none).
    ///
    /// The serial continues from the higher of `lastSerial` and the serial of a verified object in S3; an object
    /// that does not verify never raises it (anyone could write a huge serial there).
    public static func decide(
        lastSerial: UInt64?, current: PublishedObject?, contentSHA256: String, now: Date, resignInterval: Int
    ) throws(PublishError) -> PublishDecision {
        let verified = current.flatMap { $0.verified ? $0 : nil }
        if let verified, verified.contentSHA256 == contentSHA256 {
            let age = now.timeIntervalSince(verified.generated)
            if age >= 0, age < Double(resignInterval) { return .unchanged(serial: verified.serial, age: age) }
        }
        let base = max(lastSerial ?? 0, verified?.serial ?? 0)
        guard base < UInt64.max else {
            throw .encoding(detail: "the serial \(base) cannot be increased")
        }
        let reason: Reason
        if let current, !current.verified {
            reason = .replacesUnverified(current.problem ?? "bad signature")
        } else if let verified {
            reason =
                verified.contentSHA256 == contentSHA256
                ? .resign(age: now.timeIntervalSince(verified.generated)) : .changed
        } else {
            reason = .firstPublish
        }
        return .publish(serial: base + 1, reason: reason)
    }
}
