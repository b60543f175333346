import EC2SSHCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// libFuzzer's entry point for the decoder of the managed users index (`ManagedUsersIndex.decoded`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManagedUsersIndex(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ManagedUsersIndexFuzz.check(fuzzBytes(data, size))
    return 0
}

/// The invariants of the index decoder, checked on one file.
///
/// - it throws only `EC2SSHError.invalidDataFile` naming the path;
/// - an accepted index has a version this code supports;
/// - what it accepts re-encodes consistently: the encoding decodes again, to the same index (dates within one
///   second, since ISO-8601 keeps whole seconds), and encoding that gives the same bytes;
/// - the key command's lookup (`ManagedUsersIndexLookup`) on any bytes answers or throws `invalidDataFile`, and
///   on the encoding finds every user with the entry the whole decode gives.
enum ManagedUsersIndexFuzz {
    /// The path named in errors.
    static let path = "/fuzz/managed-users.json"

    /// Checks every invariant on `bytes`.
    static func check(_ bytes: [UInt8]) {
        for name in ["alice", "a", "zzz"] {
            do {
                _ = try ManagedUsersIndexLookup.entry(for: name, in: bytes, path: path)
            } catch EC2SSHError.invalidDataFile(let errorPath, _) {
                fuzzRequire(errorPath == path, "lookup error for \(errorPath)")
            } catch {
                fuzzUnexpected(error, from: "ManagedUsersIndexLookup.entry")
            }
        }
        guard let index = decode(Data(bytes), own: false) else { return }
        fuzzRequire(index.version <= ManagedUsersIndex.currentVersion, "version \(index.version) accepted")
        let first = encode(index)
        guard let again = decode(first, own: true) else { return }
        fuzzRequire(sameIndex(index, again), "the index changes when written and read back")
        fuzzRequire(encode(again) == first, "writing the index read back gives different bytes")
        for (name, entry) in again.users {
            let found = try? ManagedUsersIndexLookup.entry(for: name, in: Array(first), path: path)
            fuzzRequire(found == entry, "the lookup of \(name.debugDescription) in the index's own encoding differs")
        }
    }

    /// The index in `data`, or `nil` after checking the error; `own` data was written by this code and must decode.
    static func decode(_ data: Data, own: Bool) -> ManagedUsersIndex? {
        do {
            return try ManagedUsersIndex.decoded(from: data, path: path)
        } catch EC2SSHError.invalidDataFile(let errorPath, let message) {
            fuzzRequire(errorPath == path && !message.isEmpty, "invalidDataFile for \(errorPath): \(message)")
            fuzzRequire(!own, "the index's own encoding is refused: \(message)")
            return nil
        } catch {
            fuzzUnexpected(error, from: "ManagedUsersIndex.decoded")
        }
    }

    /// The encoding of `index`; encoding a decoded index must not fail.
    static func encode(_ index: ManagedUsersIndex) -> Data {
        do {
            return try index.encoded()
        } catch {
            fuzzUnexpected(error, from: "ManagedUsersIndex.encoded")
        }
    }

    /// Whether two indexes agree, their dates to within a second.
    static func sameIndex(_ lhs: ManagedUsersIndex, _ rhs: ManagedUsersIndex) -> Bool {
        guard lhs.version == rhs.version, lhs.users.keys.sorted() == rhs.users.keys.sorted() else { return false }
        return lhs.users.allSatisfy { name, entry in
            guard var other = rhs.users[name] else { return false }
            switch (entry.accessExpiresAt, other.accessExpiresAt) {
            case (nil, nil):
                break
            case (let date?, let otherDate?):
                guard abs(otherDate.timeIntervalSince(date)) < 1 else { return false }
                other.accessExpiresAt = date
            default:
                return false
            }
            return other == entry
        }
    }
}
