@testable import AWSCore

/// libFuzzer's entry point for the snapshot public key: PEM and DER parsing and ECDSA verification.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPublicKey(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    PublicKeyFuzz.check(fuzzBytes(data, size))
    return 0
}

/// The invariants of `ECDSAP256PublicKey` on hostile bytes.
///
/// - as PEM and as DER, the input gives a key or `AWSError.configuration`, never another error or a crash;
/// - a key that parses round-trips through its PEM form to the same DER;
/// - the input as a signature (over itself and over the empty message) never verifies under the fixed key, and
///   verification never crashes; a key parsed from the input checks signatures without crashing.
enum PublicKeyFuzz {
    /// A fixed P-256 key (the unit tests' vector).
    static let fixedPEM = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEm59SDSy1nlRrP+fIIiNdH3fqUpgj
        4Np3Yqge6I4UHIeNV5ZoMdo3i7MRvBWVnlV9m17hAczZFpjDerS1qPgS0w==
        -----END PUBLIC KEY-----
        """

    static func check(_ bytes: [UInt8]) {
        for key in [parse { try ECDSAP256PublicKey(pem: bytes) }, parse { try ECDSAP256PublicKey(der: bytes) }] {
            guard let key else { continue }
            let again = parse { try ECDSAP256PublicKey(pem: key.pem) }
            fuzzRequire(again == key, "a parsed key does not round-trip through its PEM form")
            _ = key.isValidSignature(bytes, for: bytes)
        }
        guard let fixed = parse({ try ECDSAP256PublicKey(pem: fixedPEM) }) else {
            fuzzRequire(false, "the fixed key does not parse")
            return
        }
        fuzzRequire(!fixed.isValidSignature(bytes, for: bytes), "random bytes verified as a signature")
        fuzzRequire(!fixed.isValidSignature(bytes, for: []), "random bytes verified over the empty message")
    }

    /// The key `make` returns, or nil when it throws `AWSError.configuration`; any other error stops the fuzzer.
    static func parse(_ make: () throws -> ECDSAP256PublicKey) -> ECDSAP256PublicKey? {
        do {
            return try make()
        } catch AWSError.configuration(let detail) {
            fuzzRequire(!detail.isEmpty, "a configuration error without a detail")
            return nil
        } catch {
            fuzzUnexpected(error, from: "ECDSAP256PublicKey")
        }
    }
}
