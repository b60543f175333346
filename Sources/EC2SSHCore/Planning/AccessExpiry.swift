#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// Parses the ISO-8601 expiry of temporary access held in an IAM user tag.
///
/// Accepted: a date (`2026-12-31`, meaning 00:00:00 UTC of that day) or a date-time with seconds optional, an
/// optional fraction and a required zone (`Z`, `+02:00`, `+0200`), for example `2026-12-31T18:30:00.5+01:00`.
/// Anything else is unparseable, and callers treat it as expired (fail closed).
public enum AccessExpiry {
    /// Whether access is still granted at a given time.
    public enum Status: Sendable, Equatable {
        /// Access lasts until this instant.
        case valid(until: Date)
        /// Access ended at this instant.
        case expired(at: Date)
        /// The tag value is not an ISO-8601 date or date-time with a zone.
        case unparseable
    }

    /// The status of a tag value at `now`; an expiry equal to `now` is already expired.
    public static func status(ofTagValue value: String, now: Date) -> Status {
        guard let expiry = parse(value) else { return .unparseable }
        return expiry > now ? .valid(until: expiry) : .expired(at: expiry)
    }

    /// The instant `text` names, or `nil` when it is not an accepted ISO-8601 form.
    public static func parse(_ text: String) -> Date? {
        var scanner = ByteScanner(Array(text.trimmingASCIISpaces.utf8))
        guard let year = scanner.number(digits: 4), scanner.take("-"), let month = scanner.number(digits: 2),
            scanner.take("-"), let day = scanner.number(digits: 2), (1...12).contains(month),
            (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
        if scanner.atEnd { return Date(timeIntervalSince1970: seconds) }
        guard scanner.take("T") || scanner.take("t"), let hour = scanner.number(digits: 2), scanner.take(":"),
            let minute = scanner.number(digits: 2), hour <= 23, minute <= 59
        else { return nil }
        var second = 0
        var fraction = 0.0
        if scanner.take(":") {
            guard let parsed = scanner.number(digits: 2), parsed <= 59 else { return nil }
            second = parsed
            if scanner.take(".") || scanner.take(",") {
                guard let parsedFraction = scanner.fraction() else { return nil }
                fraction = parsedFraction
            }
        }
        guard let offset = scanner.zoneOffset(), scanner.atEnd else { return nil }
        seconds += Double(hour * 3600 + minute * 60 + second) + fraction - Double(offset)
        return Date(timeIntervalSince1970: seconds)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private struct ByteScanner {
        var bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func take(_ character: Character) -> Bool {
            guard let ascii = character.asciiValue, index < bytes.count, bytes[index] == ascii else { return false }
            index += 1
            return true
        }

        mutating func number(digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + digits] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += digits
            return value
        }

        mutating func fraction() -> Double? {
            var value = 0.0
            var scale = 0.1
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                value += Double(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
            return index > start && index - start <= 9 ? value : nil
        }

        /// The zone offset in seconds east of UTC: `Z`, `+HH:MM`, `+HHMM` or `+HH`.
        mutating func zoneOffset() -> Int? {
            if take("Z") || take("z") { return 0 }
            let sign: Int
            if take("+") {
                sign = 1
            } else if take("-") {
                sign = -1
            } else {
                return nil
            }
            guard let hours = number(digits: 2), hours <= 23 else { return nil }
            if atEnd { return sign * hours * 3600 }
            _ = take(":")
            guard let minutes = number(digits: 2), minutes <= 59 else { return nil }
            return sign * (hours * 3600 + minutes * 60)
        }
    }
}

extension String {
    fileprivate var trimmingASCIISpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
