import AWSCore
import Synchronization
import Testing

/// Scripted S3 answers for fleet readers: each `getObject` takes the next scripted reply; a read nobody scripted is
/// a test failure.
final class FakeS3: S3ObjectReading {
    /// One scripted answer.
    enum Reply: Sendable {
        /// A 200 with this body and ETag.
        case object([UInt8], etag: String)
        /// A 304.
        case notModified
        /// The GET fails with this error.
        case failure(AWSError)
    }

    private let state = Mutex<(replies: [Reply], requests: [String])>(([], []))

    init(_ replies: [Reply] = []) {
        state.withLock { $0.replies = replies }
    }

    /// Adds replies after the ones still scripted.
    func script(_ replies: Reply...) {
        state.withLock { $0.replies += replies }
    }

    /// Every GET, as `s3://bucket/key If-None-Match=ETAG` (or `-`).
    var requests: [String] { state.withLock { $0.requests } }

    func getObject(_ location: S3Location, ifNoneMatch: String?) throws -> S3GetResult {
        let request = "s3://\(location.bucket)/\(location.key) If-None-Match=\(ifNoneMatch ?? "-")"
        let reply: Reply? = state.withLock { state in
            state.requests.append(request)
            return state.replies.isEmpty ? nil : state.replies.removeFirst()
        }
        switch reply {
        case nil:
            Issue.record("unexpected S3 read: \(request)")
            throw AWSError.transport(detail: "not scripted: \(request)")
        case .object(let body, let etag): return .object(S3Object(body: body, etag: etag))
        case .notModified: return .notModified
        case .failure(let error): throw error
        }
    }
}
