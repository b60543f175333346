#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Writes the canonical JSON of the fleet formats: keys in the order given, no spaces, strings escaped minimally
/// and deterministically (`\"`, `\\`, and control characters below U+0020 as `\u00xx` with lowercase hex; nothing
/// else, so `/`, DEL and non-ASCII stay as their UTF-8 bytes).
struct FleetJSONWriter {
    /// The bytes written so far.
    var bytes: [UInt8] = []

    /// Appends `text` as it is (punctuation and keys the caller spells out).
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends `value` as a JSON string.
    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xf)])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `value` in decimal.
    mutating func number(_ value: UInt64) {
        bytes.append(contentsOf: Array(String(value).utf8))
    }

    /// Appends `date` as a quoted timestamp; throws `FleetFormatError` naming `part` and `field` when the date has
    /// a fraction of a second or is outside the years 1970 to 9999.
    mutating func timestamp(_ date: Date, part: String, field: String) throws(FleetFormatError) {
        guard let text = FleetTimestamp.text(date) else {
            throw FleetFormatError(
                part, "\(field) \(date.timeIntervalSince1970) is not a whole second between 1970 and 9999")
        }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: Array(text.utf8))
        bytes.append(UInt8(ascii: "\""))
    }

    /// The JSON string of `value` (quotes included), as `string(_:)` writes it.
    static func quoted(_ value: String) -> [UInt8] {
        var writer = FleetJSONWriter()
        writer.string(value)
        return writer.bytes
    }
}
