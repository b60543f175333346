import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Snapshots, a stand-in digest and a stand-in signer for the fleet format tests (the core links no crypto).
enum FleetFixtures {
    static let generated = Date(timeIntervalSince1970: 1_796_040_000)  // 2026-11-30T12:00:00Z
    static let uploaded = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    /// A small snapshot: two groups, two users, tags and keys.
    static func snapshot(serial: UInt64 = 42, generated: Date = generated) -> FleetSnapshot {
        FleetSnapshot(
            serial: serial, generated: generated,
            users: [
                user("alice", groups: ["admins", "devs"], tags: ["team": "blue", "expires": "2027-01-01"], keys: 2),
                user("bob", groups: [], tags: [:], keys: 0),
            ],
            groups: [group("admins"), group("devs")])
    }

    /// A snapshot of `count` users named `u0`, `u1`, … in byte order, each in group `g`.
    static func large(count: Int) -> FleetSnapshot {
        let names = (0..<count).map { "u\($0)" }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return FleetSnapshot(
            serial: 7, generated: generated, users: names.map { user($0, groups: ["g"], tags: [:], keys: 1) },
            groups: [group("g")])
    }

    static func user(_ name: String, groups: [String], tags: [String: String], keys: Int) -> FleetUser {
        FleetUser(
            name: name, id: "AIDA\(name.utf8.count)", arn: "arn:aws:iam::123456789012:user/\(name)", path: "/",
            groups: groups, tags: tags,
            keys: (0..<keys).map {
                FleetKey(
                    id: "APKA\(name.utf8.count)X\($0)", body: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI\($0) \(name)",
                    fingerprint: "aa:bb:\($0)", uploaded: uploaded)
            })
    }

    static func group(_ name: String) -> FleetGroup {
        FleetGroup(name: name, id: "AGPA\(name.utf8.count)", arn: "arn:aws:iam::123456789012:group/\(name)")
    }

    /// A stand-in for SHA-256 in these tests: 32 bytes from four FNV-1a passes, so any changed byte changes it.
    @Sendable static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for seed in UInt64(0)..<4 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: hash >> shift)) }
        }
        return out
    }

    /// A stand-in key pair: the "signature" of a message is the key's name followed by the message's digest.
    struct Signer: FleetSignatureVerifying {
        var name: String

        func sign(_ message: [UInt8]) -> [UInt8] { Array(name.utf8) + FleetFixtures.digest(message) }

        func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool { signature == sign(message) }
    }

    static let pinned = Signer(name: "pinned")
    static let other = Signer(name: "other")

    /// The envelope of `snapshot` for `bucket`/`key`, signed by `signer` (unsigned when nil).
    static func envelope(
        _ snapshot: FleetSnapshot = snapshot(), signer: Signer? = pinned, bucket: String = "fleet-bucket",
        key: String = "aws-ec2-ssh/snapshot"
    ) throws -> [UInt8] {
        let bytes = try FleetSnapshotCodec.encode(snapshot)
        let manifest = FleetManifest(snapshot: snapshot, bytes: bytes, sha256: digest(bytes), bucket: bucket, key: key)
        let manifestBytes = try manifest.encoded()
        return FleetEnvelope(manifestBytes: manifestBytes, signature: signer?.sign(manifestBytes), snapshot: bytes)
            .encoded()
    }

    /// The check readers use in these tests.
    static func check(
        verifier: (any FleetSignatureVerifying)? = pinned, allowUnsigned: Bool = false, maximumAge: TimeInterval = 3600
    ) -> FleetSnapshotCheck {
        FleetSnapshotCheck(
            bucket: "fleet-bucket", key: "aws-ec2-ssh/snapshot", verifier: verifier, allowUnsigned: allowUnsigned,
            maximumAge: maximumAge, sha256: digest)
    }
}
