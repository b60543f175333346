import Testing

@testable import AWSCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Fixed test vectors made for this repository with OpenSSL 3 (`openssl ecparam -name prime256v1 -genkey`,
/// `openssl dgst -sha256 -sign`): a P-256 key, a message and its DER signature, and keys of other types.
enum ECDSAVectors {
    static let p256PEM = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEm59SDSy1nlRrP+fIIiNdH3fqUpgj
        4Np3Yqge6I4UHIeNV5ZoMdo3i7MRvBWVnlV9m17hAczZFpjDerS1qPgS0w==
        -----END PUBLIC KEY-----

        """
    static let p256DER = base64(
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEm59SDSy1nlRrP+fIIiNdH3fqUpgj4Np3Yqge6I4UHIeNV5ZoMdo3i7MRvBWVnlV9m17hAczZFpjDerS1qPgS0w=="
    )
    static let message = Array(#"aws-ec2-ssh test vector: manifest {"serial":42}"#.utf8)
    static let signature = base64(
        "MEYCIQDP4qoJ5MG2x/kRrqyCExjifwk/crBnUH+XfrlGcQDSYwIhAMWdL7cpR7F0LmTtUOFlatY9cMcvqGX+0HAd2GANTOFz")
    static let p384PEM = """
        -----BEGIN PUBLIC KEY-----
        MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEAr5Wqd+mGUiqzCurJNDqdz+0YFYzox8/
        auTPXJsq9TVF3J75InXZk3KB2cqbuniDtKabAYXSCppBrRkXo+i0w6LJXmAuSrzq
        pI8YOIO2Sb1ejBjyIFuM2Hh+E4TSZ/36
        -----END PUBLIC KEY-----
        """
    static let ed25519PEM = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEA0+Zpj9qgnFf3lejViLbWYEOZFSUeB8J1zDD0PqhrHmI=
        -----END PUBLIC KEY-----
        """
    static let rsaPEM = """
        -----BEGIN PUBLIC KEY-----
        MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC3zRiyJ1zl+C9ZD3i3385YlOVT
        mCUfSKr5XZQPCHhYxBw0SEbT/vr9ijcGnKE9fHU/FmJlCEbE+Xvj7bcvPP1j8WmW
        dvzNfx0kI0seOV4NddITkl5K5NJH7Aei8alnAHXUcUNuJOI3c1RlsSFdtBPeZzrt
        bF4ADmDXdEdb/lC+3QIDAQAB
        -----END PUBLIC KEY-----
        """
    /// The same P-256 key written with explicit curve parameters (`-param_enc explicit`).
    static let explicitP256PEM = """
        -----BEGIN PUBLIC KEY-----
        MIIBSzCCAQMGByqGSM49AgEwgfcCAQEwLAYHKoZIzj0BAQIhAP////8AAAABAAAA
        AAAAAAAAAAAA////////////////MFsEIP////8AAAABAAAAAAAAAAAAAAAA////
        ///////////8BCBaxjXYqjqT57PrvVV2mIa8ZR0GsMxTsPY7zjw+J9JgSwMVAMSd
        NgiG5wSTamZ44ROdJreBn36QBEEEaxfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5
        RdiYwpZP40Li/hp/m47n60p8D54WK84zV2sxXs7LtkBoN79R9QIhAP////8AAAAA
        //////////+85vqtpxeehPO5ysL8YyVRAgEBA0IABJufUg0stZ5Uaz/nyCIjXR93
        6lKYI+Dad2KoHuiOFByHjVeWaDHaN4uzEbwVlZ5VfZte4QHM2RaYw3q0taj4EtM=
        -----END PUBLIC KEY-----
        """

    static func base64(_ text: String) -> [UInt8] {
        Array(Data(base64Encoded: text) ?? Data())
    }
}

@Suite struct ECDSAP256PublicKeyTests {
    @Test func theVectorVerifiesFromPEMAndFromDER() throws {
        let fromPEM = try ECDSAP256PublicKey(pem: ECDSAVectors.p256PEM)
        let fromDER = try ECDSAP256PublicKey(der: ECDSAVectors.p256DER)
        #expect(fromPEM == fromDER)
        #expect(fromPEM.der.count == 91)
        #expect(fromPEM.isValidSignature(ECDSAVectors.signature, for: ECDSAVectors.message))
        #expect(fromDER.isValidSignature(ECDSAVectors.signature, for: ECDSAVectors.message))
        #expect(fromDER.pem == ECDSAVectors.p256PEM)
    }

    @Test func pemWithSurroundingTextAndCRLFIsAccepted() throws {
        let text = "key for fleet\r\n" + ECDSAVectors.p256PEM.split(separator: "\n").joined(separator: "\r\n") + "\n\n"
        #expect(try ECDSAP256PublicKey(pem: text).der == ECDSAVectors.p256DER)
    }

    @Test func everyChangedByteOfTheMessageFails() throws {
        let key = try ECDSAP256PublicKey(der: ECDSAVectors.p256DER)
        for index in ECDSAVectors.message.indices {
            var changed = ECDSAVectors.message
            changed[index] ^= 0x01
            #expect(!key.isValidSignature(ECDSAVectors.signature, for: changed), "byte \(index)")
        }
        #expect(!key.isValidSignature(ECDSAVectors.signature, for: ECDSAVectors.message + [0x0a]))
        #expect(!key.isValidSignature(ECDSAVectors.signature, for: []))
    }

    @Test func everyChangedOrTruncatedSignatureFails() throws {
        let key = try ECDSAP256PublicKey(der: ECDSAVectors.p256DER)
        let signature = ECDSAVectors.signature
        for index in signature.indices {
            var changed = signature
            changed[index] ^= 0x80
            #expect(!key.isValidSignature(changed, for: ECDSAVectors.message), "byte \(index)")
            #expect(!key.isValidSignature(Array(signature.prefix(index)), for: ECDSAVectors.message), "prefix \(index)")
        }
        #expect(!key.isValidSignature(signature + [0], for: ECDSAVectors.message))
        #expect(!key.isValidSignature([UInt8](repeating: 0x30, count: 100_000), for: ECDSAVectors.message))
    }

    @Test func anotherKeyDoesNotVerify() throws {
        var otherDER = ECDSAVectors.p256DER
        // Another valid point: negate y (flip the last coordinate's parity isn't valid); use the P-384 check instead.
        otherDER[otherDER.count - 1] ^= 0x01
        #expect(throws: AWSError.self) { try ECDSAP256PublicKey(der: otherDER) }
    }

    @Test(arguments: [
        (ECDSAVectors.p384PEM, "another curve"), (ECDSAVectors.explicitP256PEM, "another curve"),
        (ECDSAVectors.ed25519PEM, "not an elliptic-curve key"), (ECDSAVectors.rsaPEM, "not an elliptic-curve key"),
        ("", "no '-----BEGIN PUBLIC KEY-----' line"), ("garbage", "no '-----BEGIN PUBLIC KEY-----' line"),
        ("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n", "not '-----BEGIN PUBLIC KEY-----'"),
        ("-----BEGIN PUBLIC KEY-----\nMFkw\n", "no '-----END PUBLIC KEY-----' line"),
        ("-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n", "not valid base64"),
        ("-----BEGIN PUBLIC KEY-----\nMFkwEwYH\n-----END PUBLIC KEY-----\n", "not a DER SubjectPublicKeyInfo"),
        (ECDSAVectors.p256PEM + ECDSAVectors.p256PEM, "2 PEM blocks"),
    ])
    func unusablePEMIsRefusedWithAClearReason(pem: String, reason: String) {
        #expect {
            try ECDSAP256PublicKey(pem: pem)
        } throws: { error in
            guard case .configuration(let detail) = error as? AWSError else { return false }
            return detail.contains(reason)
        }
    }

    @Test func truncatedTrailingAndOversizedDERIsRefused() {
        for length in 0..<ECDSAVectors.p256DER.count {
            #expect(throws: AWSError.self, "prefix \(length)") {
                try ECDSAP256PublicKey(der: Array(ECDSAVectors.p256DER.prefix(length)))
            }
        }
        #expect {
            try ECDSAP256PublicKey(der: ECDSAVectors.p256DER + [0])
        } throws: { error in
            guard case .configuration(let detail) = error as? AWSError else { return false }
            return detail.contains("bytes follow")
        }
        #expect(throws: AWSError.self) { try ECDSAP256PublicKey(der: [UInt8](repeating: 0x30, count: 20_000)) }
        #expect(throws: AWSError.self) { try ECDSAP256PublicKey(pem: [UInt8](repeating: 0x41, count: 1_000_000)) }
    }
}
