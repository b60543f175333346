/// Where one S3 object is: bucket and key, parsed from an `s3://bucket/key` URL.
public struct S3Location: Sendable, Equatable, Hashable {
    /// The bucket name.
    public var bucket: String
    /// The object key (without a leading slash).
    public var key: String

    /// A location from its parts.
    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }
}

/// One S3 object as read: its bytes, its ETag and its user metadata.
public struct S3Object: Sendable, Equatable {
    /// The object's bytes.
    public var body: [UInt8]
    /// The ETag S3 returned (with its quotes), used for the next conditional GET.
    public var etag: String?
    /// User metadata (`x-amz-meta-NAME`), keyed by lower-cased NAME without the prefix.
    public var metadata: [String: String]

    /// An object from its parts.
    public init(body: [UInt8], etag: String?, metadata: [String: String] = [:]) {
        self.body = body
        self.etag = etag
        self.metadata = metadata
    }
}

/// The answer to a conditional GET.
public enum S3GetResult: Sendable, Equatable {
    /// `304 Not Modified`: the object still has the ETag the caller sent.
    case notModified
    /// The object (a `200`).
    case object(S3Object)
}

/// Reads S3 objects (`s3:GetObject`); `S3Client` implements it, tests fake it.
public protocol S3ObjectReading: Sendable {
    /// Gets the object at `location`; with `ifNoneMatch` set, sends `If-None-Match` and returns `.notModified`
    /// on a 304. Throws `AWSError.service` with S3's error code (`NoSuchKey`, `AccessDenied`, …).
    func getObject(_ location: S3Location, ifNoneMatch: String?) throws -> S3GetResult
}

/// Writes S3 objects (`s3:PutObject`) in one request, so a reader sees the old or the new object whole.
public protocol S3ObjectWriting: Sendable {
    /// Puts `body` at `location` with `contentType` and user `metadata`; returns the new ETag when S3 sent one.
    func putObject(_ location: S3Location, body: [UInt8], contentType: String, metadata: [String: String])
        throws -> String?
}

/// Signs messages with an asymmetric KMS key (`kms:Sign`, `kms:GetPublicKey`); `KMSClient` implements it.
public protocol KMSSigning: Sendable {
    /// Signs `message` (at most 4,096 bytes) with `keyID` using `ECDSA_SHA_256` and `MessageType=RAW`;
    /// returns the DER-encoded ECDSA signature.
    func sign(keyID: String, message: [UInt8]) throws -> [UInt8]
    /// The public key of `keyID` as DER `SubjectPublicKeyInfo`.
    func publicKey(keyID: String) throws -> [UInt8]
}

/// Checks a signature over a message with one pinned public key; `ECDSAP256PublicKey` implements it.
public protocol SignatureVerifying: Sendable {
    /// Whether `signature` (DER ECDSA) is a valid signature of `message` by this key.
    func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool
}
