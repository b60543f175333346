import AWSCore
import EC2SSHCore
import EC2SSHShared
import EC2SSHSystem

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Fleet snapshots and envelopes for reader tests, signed by stand-in keys and digested with the real SHA-256.
enum FleetWorld {
    static let bucket = "fleet-bucket"
    static let key = "aws-ec2-ssh/snapshot"
    static let url = "s3://fleet-bucket/aws-ec2-ssh/snapshot"
    static let location = S3Location(bucket: bucket, key: key)

    /// A stand-in key pair: the "signature" of a message is the key's name and the message's SHA-256.
    struct Signer: SignatureVerifying {
        var name: String

        func sign(_ message: [UInt8]) -> [UInt8] { Array(name.utf8) + Digest.sha256(message) }

        func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool { signature == sign(message) }
    }

    static let pinned = Signer(name: "pinned")
    static let other = Signer(name: "other")

    /// A user of IAM name `name` with `keys` (bodies) and IAM `groups`.
    static func user(_ name: String, groups: [String] = [], keys: [String] = [], tags: [String: String] = [:])
        -> FleetUser
    {
        FleetUser(
            name: name, id: FakeAWSReader.userID(name), arn: "arn:aws:iam::1:user/\(name)", path: "/",
            groups: groups, tags: tags,
            keys: keys.enumerated().map { index, body in
                FleetKey(
                    id: "APKA\(name.uppercased())\(index)", body: body, fingerprint: "f\(index)",
                    uploaded: Date(timeIntervalSince1970: 1_700_000_000))
            })
    }

    /// A snapshot of `users` (sorted here) with the groups they name.
    static func snapshot(serial: UInt64, generated: Date, users: [FleetUser]) -> FleetSnapshot {
        let sorted = users.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        let groups = Set(users.flatMap(\.groups)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return FleetSnapshot(
            serial: serial, generated: generated, users: sorted,
            groups: groups.map { FleetGroup(name: $0, id: "AGPA\($0)", arn: "arn:aws:iam::1:group/\($0)") })
    }

    /// The envelope of `snapshot`, signed by `signer` (unsigned when nil).
    static func envelope(_ snapshot: FleetSnapshot, signer: Signer? = pinned, bucket: String = bucket) throws
        -> [UInt8]
    {
        let bytes = try FleetSnapshotCodec.encode(snapshot)
        let manifest = try FleetManifest(
            snapshot: snapshot, bytes: bytes, sha256: Digest.sha256(bytes), bucket: bucket, key: key
        ).encoded()
        return FleetEnvelope(manifestBytes: manifest, signature: signer?.sign(manifest), snapshot: bytes).encoded()
    }

    /// The reader's check with the pinned stand-in key.
    static func check(maximumAge: Int = 3600, key: (any SignatureVerifying)? = pinned) -> FleetSnapshotCheck {
        FleetSnapshotCheck(location: location, key: key, allowUnsigned: false, maximumAge: maximumAge)
    }

    /// The refresh over `s3`, storing at `path` in `fileSystem`.
    static func fetcher(s3: FakeS3, fileSystem: any FileSystem, path: String, maximumAge: Int = 3600)
        -> FleetSnapshotFetcher
    {
        FleetSnapshotFetcher(
            s3: s3, location: location, check: check(maximumAge: maximumAge),
            store: FleetSnapshotStore(path: path, owner: nil, fileSystem: fileSystem))
    }
}
