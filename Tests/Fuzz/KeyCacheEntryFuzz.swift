#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// libFuzzer's entry point for the decoder of key cache entries (`KeyCacheEntry.decoded`).
///
/// KeyCacheEntry.swift and KeyCacheError.swift are compiled into this harness (see scripts/fuzz), so nothing is
/// imported for them.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeyCacheEntry(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    KeyCacheEntryFuzz.check(fuzzBytes(data, size))
    return 0
}

/// The invariants of the key cache decoder, checked on one file.
///
/// - it throws only `KeyCacheError` naming the path;
/// - an accepted entry has a version this code supports;
/// - what it accepts re-encodes consistently: the encoding decodes again, to the same entry (the date to within a
///   microsecond: seconds since 1970 as a double), and encoding that gives the same bytes.
enum KeyCacheEntryFuzz {
    /// The path named in errors.
    static let path = "/fuzz/user-alice.json"

    /// Checks every invariant on `bytes`.
    static func check(_ bytes: [UInt8]) {
        guard let entry = decode(bytes, own: false) else { return }
        fuzzRequire(entry.version <= KeyCacheEntry.currentVersion, "version \(entry.version) accepted")
        let first = encode(entry)
        guard let again = decode(first, own: true) else { return }
        fuzzRequire(sameEntry(entry, again), "the entry changes when written and read back")
        fuzzRequire(encode(again) == first, "writing the entry read back gives different bytes")
    }

    /// The entry in `bytes`, or `nil` after checking the error; `own` bytes were written by this code.
    static func decode(_ bytes: [UInt8], own: Bool) -> KeyCacheEntry? {
        do {
            return try KeyCacheEntry.decoded(from: bytes, path: path)
        } catch let error as KeyCacheError {
            fuzzRequire(error.path == path && !error.message.isEmpty, "KeyCacheError \(error)")
            fuzzRequire(!own, "the entry's own encoding is refused: \(error)")
            return nil
        } catch {
            fuzzUnexpected(error, from: "KeyCacheEntry.decoded")
        }
    }

    /// The encoding of `entry`; encoding a decoded entry must not fail.
    static func encode(_ entry: KeyCacheEntry) -> [UInt8] {
        do {
            return try entry.encoded()
        } catch {
            fuzzUnexpected(error, from: "KeyCacheEntry.encoded")
        }
    }

    /// Whether two entries agree, their dates to within a microsecond of their magnitude.
    static func sameEntry(_ lhs: KeyCacheEntry, _ rhs: KeyCacheEntry) -> Bool {
        let seconds = lhs.fetchedAt.timeIntervalSince1970
        let tolerance = max(1e-6, abs(seconds) * 1e-12)
        guard abs(rhs.fetchedAt.timeIntervalSince1970 - seconds) <= tolerance else { return false }
        var other = rhs
        other.fetchedAt = lhs.fetchedAt
        return other == lhs
    }
}
