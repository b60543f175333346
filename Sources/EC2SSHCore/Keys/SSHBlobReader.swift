/// Reads the SSH wire format (RFC 4251 section 5) of a public key blob, bounds-checked.
struct SSHBlobReader {
    /// Why the blob could not be read.
    struct Malformed: Error, Equatable {
        var reason: String
    }

    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether every byte has been read.
    var isAtEnd: Bool { offset == bytes.count }

    /// Reads a big-endian uint32.
    mutating func readUInt32() throws(Malformed) -> UInt32 {
        guard bytes.count - offset >= 4 else { throw Malformed(reason: "truncated length field") }
        var value: UInt32 = 0
        for byte in bytes[offset..<offset + 4] {
            value = value << 8 | UInt32(byte)
        }
        offset += 4
        return value
    }

    /// Reads a length-prefixed string.
    mutating func readString() throws(Malformed) -> [UInt8] {
        let length = try readUInt32()
        guard UInt64(length) <= UInt64(bytes.count - offset) else {
            throw Malformed(reason: "a field claims \(length) bytes but only \(bytes.count - offset) remain")
        }
        let value = Array(bytes[offset..<offset + Int(length)])
        offset += Int(length)
        return value
    }

    /// Reads a positive mpint and returns its size in bits.
    mutating func readPositiveMPIntBits() throws(Malformed) -> Int {
        let value = try readString()
        guard let first = value.first else { throw Malformed(reason: "an integer field is empty (zero)") }
        guard first & 0x80 == 0 else { throw Malformed(reason: "an integer field is negative") }
        let significant = value.drop(while: { $0 == 0 })
        guard let top = significant.first else { throw Malformed(reason: "an integer field is zero") }
        guard significant.count == value.count || (value.count - significant.count == 1 && top & 0x80 != 0) else {
            throw Malformed(reason: "an integer field has superfluous leading zero bytes")
        }
        return (significant.count - 1) * 8 + (8 - top.leadingZeroBitCount)
    }
}
