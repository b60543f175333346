import AWSCore
import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// libFuzzer's entry point for the fleet envelope, manifest and reader check (`FleetEnvelope`, `FleetManifest`,
/// `FleetSnapshotCheck`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFleetEnvelope(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FleetEnvelopeFuzz.check(fuzzBytes(data, size))
    return 0
}

/// The invariants of the envelope and the check, on one input.
///
/// - the envelope and manifest decoders accept only canonical bytes (they encode back to the input);
/// - the check with the real SHA-256 and a verifier that accepts nothing never applies anything: every envelope
///   the fuzzer makes is refused (it cannot sign);
/// - the check with a lenient policy (unsigned allowed, a digest function the fuzzer can satisfy) is reached
///   deeply: when it applies a snapshot, the snapshot's serial and time equal the manifest's, the manifest is
///   for the configured location, and the snapshot bytes are canonical.
enum FleetEnvelopeFuzz {
    /// A verifier that accepts no signature.
    struct RefuseAll: FleetSignatureVerifying {
        func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool { false }
    }

    static let now = Date(timeIntervalSince1970: 1_796_040_000)

    /// The strict check: the pinned key refuses everything, unsigned is off, real SHA-256.
    static let strict = FleetSnapshotCheck(
        bucket: "b", key: "k", verifier: RefuseAll(), allowUnsigned: false, maximumAge: 3600,
        sha256: { Digest.sha256($0) })

    /// The lenient check: unsigned allowed and a "digest" of 32 zero bytes, so decoding is reached.
    static let lenient = FleetSnapshotCheck(
        bucket: "b", key: "k", verifier: nil, allowUnsigned: true, maximumAge: 3600,
        sha256: { _ in [UInt8](repeating: 0, count: 32) })

    /// Checks every invariant on `bytes`.
    static func check(_ bytes: [UInt8]) {
        if let envelope = try? FleetEnvelope.decode(bytes) {
            fuzzRequire(envelope.encoded() == bytes, "an accepted envelope is not canonical")
            if let manifest = try? FleetManifest.decode(envelope.manifestBytes) {
                fuzzRequire(
                    (try? manifest.encoded()) == envelope.manifestBytes, "an accepted manifest is not canonical")
            }
        }
        switch strict.check(bytes, lastApplied: nil, now: now) {
        case .refused(let refusal):
            fuzzRequire(!refusal.description.isEmpty, "a refusal without a message")
        case let verdict:
            fuzzRequire(false, "the strict check did not refuse an unsigned forgery: \(verdict)")
        }
        for last in [nil, FleetSnapshotMark(serial: 5, sha256: [UInt8](repeating: 0, count: 32))] {
            switch lenient.check(bytes, lastApplied: last, now: now) {
            case .apply(let snapshot, let manifest), .stale(let snapshot, let manifest, _):
                fuzzRequire(
                    snapshot.serial == manifest.serial && snapshot.generated == manifest.generated,
                    "an applied snapshot disagrees with its manifest")
                fuzzRequire(manifest.bucket == "b" && manifest.key == "k", "a snapshot for another location applied")
                fuzzRequire(
                    last.map { manifest.serial > $0.serial || FleetSnapshotMark(manifest) == $0 } ?? true,
                    "a rollback or an equivocation was applied")
                let envelope = try? FleetEnvelope.decode(bytes)
                fuzzRequire(
                    envelope.map { (try? FleetSnapshotCodec.encode(snapshot)) == $0.snapshot } ?? false,
                    "an applied snapshot is not canonical")
            case .unchanged:
                fuzzRequire(last != nil, "unchanged without a last applied snapshot")
            case .refused(let refusal):
                fuzzRequire(!refusal.description.isEmpty, "a refusal without a message")
            }
        }
    }
}
