/// A fixed, platform-independent 64-bit hash (FNV-1a), the same on every host and in every process.
///
/// Never replace this with Swift's `Hasher`, which is seeded per process: UIDs derived from it would differ
/// between hosts and runs.
public enum StableHash {
    /// The FNV-1a 64-bit offset basis.
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// The FNV-1a 64-bit prime.
    public static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// The FNV-1a 64-bit hash of `bytes`.
    public static func fnv1a64<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 {
        var hash = offsetBasis
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* prime
        }
        return hash
    }

    /// The FNV-1a 64-bit hash of the UTF-8 bytes of `text`.
    public static func fnv1a64(_ text: String) -> UInt64 {
        fnv1a64(text.utf8)
    }
}
