import Testing

@testable import EC2SSHCore

@Suite struct StableHashTests {
    /// Published FNV-1a 64 values plus IAM UserIds; a change here changes every UID handed out by UIDAllocator.
    @Test(arguments: [
        ("", 0xcbf2_9ce4_8422_2325 as UInt64),
        ("a", 0xaf63_dc4c_8601_ec8c),
        ("foobar", 0x8594_4171_f739_67e8),
        ("AIDAJQABLZS4A3QDU576Q", 0xaba8_e8fc_f238_3394),
        ("AIDACKCEVSQ6C2EXAMPLE", 0x9589_5f4f_7e96_ac73),
    ])
    func knownValues(input: String, expected: UInt64) {
        #expect(StableHash.fnv1a64(input) == expected)
        #expect(StableHash.fnv1a64(Array(input.utf8)) == expected)
    }

    @Test func sameInputSameHashDifferentInputDifferentHash() {
        #expect(StableHash.fnv1a64("AIDAX") == StableHash.fnv1a64("AIDAX"))
        #expect(StableHash.fnv1a64("AIDAX") != StableHash.fnv1a64("AIDAY"))
    }
}
