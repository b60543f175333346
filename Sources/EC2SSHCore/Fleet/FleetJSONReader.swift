#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads exactly the canonical JSON `FleetJSONWriter` writes, from one line of bytes; anything else is a
/// `FleetFormatError` naming the part and line.
///
/// It does not parse JSON in general: the caller spells out every key and every piece of punctuation in order,
/// and a string must be in its one canonical escaping, so two different byte strings never read as the same value.
struct FleetJSONReader {
    /// The bytes the line is in.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The line's first byte, for positions in messages.
    let lineStart: Int
    /// The next byte to read.
    private(set) var index: Int
    /// Just past the line's last byte (its line feed excluded).
    let end: Int
    /// The part named in errors ("snapshot", "manifest").
    let part: String
    /// The 1-based line named in errors.
    let line: Int

    /// A reader of `bytes[range]`, line `line` of `part`.
    init(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, part: String, line: Int) {
        self.bytes = bytes
        self.lineStart = range.lowerBound
        self.index = range.lowerBound
        self.end = range.upperBound
        self.part = part
        self.line = line
    }

    /// Whether every byte of the line has been read.
    var atEnd: Bool { index == end }

    /// The error for this line.
    func error(_ message: String) -> FleetFormatError {
        FleetFormatError(part, line: line, message)
    }

    /// Whether the next bytes are `literal` (nothing is read).
    func peek(_ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { text in
            end - index >= text.count && bytes[index..<(index + text.count)].elementsEqual(text)
        }
    }

    /// Reads `literal` if the next bytes are it; says whether they were.
    mutating func skip(_ literal: StaticString) -> Bool {
        guard peek(literal) else { return false }
        index += literal.utf8CodeUnitCount
        return true
    }

    /// Reads `literal`, or throws naming what was expected.
    mutating func expect(_ literal: StaticString) throws(FleetFormatError) {
        guard skip(literal) else { throw error("expected \(literal) at byte \(index - lineStart + 1)") }
    }

    /// Reads the end of the line, or throws because something follows.
    func expectEnd() throws(FleetFormatError) {
        guard atEnd else {
            throw error("unexpected bytes after the end of the record at byte \(index - lineStart + 1)")
        }
    }

    /// Reads a JSON string in canonical escaping, named `field` in errors.
    mutating func string(_ field: String) throws(FleetFormatError) -> String {
        guard index < end, bytes[index] == UInt8(ascii: "\"") else {
            throw error("\(field) is not a JSON string")
        }
        index += 1
        var value: [UInt8] = []
        while index < end {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let text = String(validating: value, as: UTF8.self) else {
                    throw error("\(field) is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                value.append(try escape(field))
            case 0..<0x20:
                throw error("\(field) holds an unescaped control character")
            default:
                value.append(byte)
                index += 1
            }
        }
        throw error("\(field) is not terminated on its line")
    }

    /// Reads one escape sequence (`\"`, `\\` or `\u00xx` below U+0020, lowercase hex) and returns its byte.
    private mutating func escape(_ field: String) throws(FleetFormatError) -> UInt8 {
        let invalid = error("\(field) holds an escape other than \\\", \\\\ or \\u00xx for a control character")
        guard end - index >= 2 else { throw invalid }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
            index += 2
            return bytes[index - 1]
        case UInt8(ascii: "u"):
            guard end - index >= 6, bytes[index + 2] == UInt8(ascii: "0"), bytes[index + 3] == UInt8(ascii: "0"),
                let high = Self.hexDigit(bytes[index + 4]), high < 2, let low = Self.hexDigit(bytes[index + 5])
            else { throw invalid }
            index += 6
            return high << 4 | low
        default:
            throw invalid
        }
    }

    /// The value of a lowercase hex digit.
    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// Reads a decimal number without sign or leading zeros that fits in 64 bits, named `field` in errors.
    mutating func number(_ field: String) throws(FleetFormatError) -> UInt64 {
        let start = index
        var value: UInt64 = 0
        while index < end, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw error("\(field) does not fit in 64 bits") }
            value = sum
            index += 1
        }
        guard index > start else { throw error("\(field) is not a number") }
        guard index - start == 1 || bytes[start] != UInt8(ascii: "0") else {
            throw error("\(field) has a leading zero")
        }
        return value
    }

    /// Reads a quoted `YYYY-MM-DDTHH:MM:SSZ` timestamp, named `field` in errors.
    mutating func timestamp(_ field: String) throws(FleetFormatError) -> Date {
        guard end - index >= 22, bytes[index] == UInt8(ascii: "\""), bytes[index + 21] == UInt8(ascii: "\""),
            let date = FleetTimestamp.date(bytes[(index + 1)..<(index + 21)])
        else { throw error("\(field) is not a timestamp like \"2026-11-30T12:00:00Z\"") }
        index += 22
        return date
    }
}
