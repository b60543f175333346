import EC2SSHCore

/// libFuzzer's entry point for the fleet snapshot codec (`FleetSnapshotCodec`) and its lookup
/// (`FleetSnapshotLookup`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFleetSnapshot(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FleetSnapshotFuzz.check(fuzzBytes(data, size))
    return 0
}

/// The invariants of the snapshot codec, checked on one input.
///
/// - the lookup on any bytes answers or throws `FleetFormatError` (typed throws), never crashes;
/// - the decoder accepts only the canonical form: what it accepts encodes back to exactly the input bytes;
/// - on accepted bytes the lookup finds every user, equal to the decoded one, and finds no name that is absent.
enum FleetSnapshotFuzz {
    /// Checks every invariant on `bytes`.
    static func check(_ bytes: [UInt8]) {
        for name in ["alice", "a", "zzz", "", "\""] {
            _ = try? FleetSnapshotLookup.user(named: name, in: bytes)
        }
        guard let snapshot = try? FleetSnapshotCodec.decode(bytes) else { return }
        let again: [UInt8]
        do {
            again = try FleetSnapshotCodec.encode(snapshot)
        } catch {
            fuzzUnexpected(error, from: "FleetSnapshotCodec.encode of a decoded snapshot")
        }
        fuzzRequire(again == bytes, "an accepted snapshot is not canonical: it encodes to other bytes")
        for user in snapshot.users {
            let found = try? FleetSnapshotLookup.user(named: user.name, in: bytes)
            fuzzRequire(found == user, "the lookup of \(user.name.debugDescription) differs from the decode")
        }
        for absent in ["alice", "a", "zzz", "\""] where !snapshot.users.contains(where: { $0.name == absent }) {
            let found = try? FleetSnapshotLookup.user(named: absent, in: bytes)
            fuzzRequire(found == nil, "the lookup finds \(absent.debugDescription), which the decode does not list")
        }
    }
}
