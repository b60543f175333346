package import AWSCore
import Synchronization
import Testing

/// An in-memory S3 bucket for snapshot objects.
///
/// Conditional GETs (a matching ETag gives
/// `.notModified`), puts with fresh ETags, injectable failures, and a log of every call. Fail-loud: a GET of a
/// location the test neither filled nor declared empty is a test failure.
package final class FakeSnapshotStorage: S3ObjectReading, S3ObjectWriting {
    /// One put, as received.
    package struct Put: Sendable, Equatable {
        /// Where.
        package var location: S3Location
        /// The bytes.
        package var body: [UInt8]
        /// The Content-Type.
        package var contentType: String
    }

    private struct State {
        var objects: [S3Location: S3Object] = [:]
        var empty: Set<S3Location> = []
        var getFailure: AWSError?
        var putFailure: AWSError?
        var puts: [Put] = []
        var gets: [(S3Location, String?)] = []
        var etagCounter = 0
    }

    private let state = Mutex(State())

    /// A bucket knowing nothing yet.
    package init() {}

    /// Declares that `location` holds no object (a GET answers `NoSuchKey`).
    package func declareEmpty(_ location: S3Location) { state.withLock { _ = $0.empty.insert(location) } }

    /// Puts `body` at `location` directly (as another writer would), with a fresh ETag.
    package func store(_ body: [UInt8], at location: S3Location) {
        state.withLock { state in
            state.etagCounter += 1
            state.objects[location] = S3Object(body: body, etag: "\"etag-\(state.etagCounter)\"")
        }
    }

    /// Makes every GET fail with `error` (`nil`: stop failing).
    package func failGets(_ error: AWSError?) { state.withLock { $0.getFailure = error } }
    /// Makes every put fail with `error` (`nil`: stop failing).
    package func failPuts(_ error: AWSError?) { state.withLock { $0.putFailure = error } }

    /// The object at `location`, if any.
    package func object(at location: S3Location) -> S3Object? { state.withLock { $0.objects[location] } }
    /// Every successful put, in order.
    package var puts: [Put] { state.withLock { $0.puts } }
    /// The `If-None-Match` of every GET, in order.
    package var conditionalGets: [String?] { state.withLock { $0.gets.map(\.1) } }

    package func getObject(_ location: S3Location, ifNoneMatch: String?) throws -> S3GetResult {
        let (failure, object, known) = state.withLock { state in
            state.gets.append((location, ifNoneMatch))
            return (state.getFailure, state.objects[location], state.empty.contains(location))
        }
        if let failure { throw failure }
        guard let object else {
            if !known { Issue.record("FakeSnapshotStorage: GET of \(location) that the test did not set up") }
            throw AWSError.service(
                code: "NoSuchKey", message: "The specified key does not exist.", requestID: nil, status: 404)
        }
        if let ifNoneMatch, ifNoneMatch == object.etag { return .notModified }
        return .object(object)
    }

    package func putObject(_ location: S3Location, body: [UInt8], contentType: String, metadata: [String: String])
        throws -> String?
    {
        try state.withLock { state in
            if let failure = state.putFailure { throw failure }
            state.etagCounter += 1
            let etag = "\"etag-\(state.etagCounter)\""
            state.objects[location] = S3Object(body: body, etag: etag, metadata: metadata)
            state.puts.append(Put(location: location, body: body, contentType: contentType))
            return etag
        }
    }
}

/// A KMS signer with a fake signature scheme that `FakeSignatureVerifier` checks.
///
/// It signs only with the key id it
/// was made for, records every call, fails on request. Fail-loud: any other key id is a test failure.
package final class FakeKMSSigner: KMSSigning {
    private struct State {
        var signed: [[UInt8]] = []
        var publicKeyCalls = 0
        var failure: AWSError?
    }

    /// The key id the test configured.
    package let keyID: String
    /// The "public key" `publicKey(keyID:)` returns.
    package let publicKeyDER: [UInt8]
    private let state = Mutex(State())

    /// A signer for `keyID`.
    package init(keyID: String, publicKeyDER: [UInt8] = Array("fake-der".utf8)) {
        self.keyID = keyID
        self.publicKeyDER = publicKeyDER
    }

    /// Every message signed, in order.
    package var signed: [[UInt8]] { state.withLock { $0.signed } }
    /// How many times the public key was fetched.
    package var publicKeyCalls: Int { state.withLock { $0.publicKeyCalls } }
    /// Makes every Sign fail with `error` (`nil`: stop failing).
    package func failSigning(_ error: AWSError?) { state.withLock { $0.failure = error } }

    package func sign(keyID: String, message: [UInt8]) throws -> [UInt8] {
        guard keyID == self.keyID else {
            Issue.record("FakeKMSSigner: Sign with key \(keyID), set up for \(self.keyID)")
            throw AWSError.service(code: "NotFoundException", message: "no key \(keyID)", requestID: nil, status: 400)
        }
        return try state.withLock { state in
            if let failure = state.failure { throw failure }
            state.signed.append(message)
            return FakeSignatureVerifier.signature(message, der: publicKeyDER)
        }
    }

    package func publicKey(keyID: String) throws -> [UInt8] {
        guard keyID == self.keyID else {
            Issue.record("FakeKMSSigner: GetPublicKey of \(keyID), set up for \(self.keyID)")
            throw AWSError.service(code: "NotFoundException", message: "no key \(keyID)", requestID: nil, status: 400)
        }
        state.withLock { $0.publicKeyCalls += 1 }
        return publicKeyDER
    }
}

/// Checks `FakeKMSSigner`'s signatures: the SHA-256 of the key's "DER" followed by the message.
package struct FakeSignatureVerifier: SignatureVerifying {
    /// The "public key".
    package let der: [UInt8]

    /// A verifier for `der`.
    package init(der: [UInt8]) { self.der = der }

    /// The fake signature of `message` by the key `der`.
    package static func signature(_ message: [UInt8], der: [UInt8]) -> [UInt8] { Digest.sha256(der + message) }

    package func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        signature == Self.signature(message, der: der)
    }
}
