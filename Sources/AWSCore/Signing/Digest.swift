import CCrypto

/// SHA-256 and HMAC-SHA256 from the system's OpenSSL libcrypto, plus lowercase hex encoding.
public enum Digest {
    /// The SHA-256 digest of `data` (OpenSSL's low-level `SHA256_Init`, `SHA256_Update`, `SHA256_Final`).
    ///
    /// Not the one-shot `SHA256`, whose first call in OpenSSL 3 initialises the EVP provider machinery: a key command
    /// answered from its cache computes fingerprints and should not pay for that (see Sources/CCrypto/shim.h).
    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        data.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                _ = ccrypto_sha256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return digest
    }

    /// The HMAC-SHA256 of `data` under `key` (OpenSSL `HMAC` with `EVP_sha256`).
    public static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBufferPointer { keyBuffer in
            data.withUnsafeBufferPointer { dataBuffer in
                digest.withUnsafeMutableBufferPointer { output in
                    _ = HMAC(
                        EVP_sha256(), keyBuffer.baseAddress, Int32(keyBuffer.count),
                        dataBuffer.baseAddress, dataBuffer.count, output.baseAddress, &length)
                }
            }
        }
        return Array(digest.prefix(Int(length)))
    }

    /// Lowercase hexadecimal encoding of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
