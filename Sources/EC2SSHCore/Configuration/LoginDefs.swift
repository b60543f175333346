/// The UID and GID limits of /etc/login.defs that decide which accounts are system accounts.
public struct LoginDefs: Equatable, Sendable {
    /// UID_MIN: the lowest UID of a regular user (default 1000).
    public var uidMin: UInt32
    /// UID_MAX: the highest UID useradd picks for a regular user (default 60000).
    public var uidMax: UInt32
    /// SYS_UID_MAX: the highest UID of a system account (default UID_MIN - 1).
    public var sysUIDMax: UInt32
    /// GID_MIN: the lowest GID of a regular group (default 1000).
    public var gidMin: UInt32
    /// GID_MAX: the highest GID groupadd picks for a regular group (default 60000).
    public var gidMax: UInt32

    /// The defaults of shadow-utils, used when /etc/login.defs is missing or silent.
    public static let defaults = LoginDefs(uidMin: 1000, uidMax: 60_000, sysUIDMax: 999, gidMin: 1000, gidMax: 60_000)

    /// Creates limits from explicit values.
    public init(uidMin: UInt32, uidMax: UInt32, sysUIDMax: UInt32, gidMin: UInt32, gidMax: UInt32) {
        self.uidMin = uidMin
        self.uidMax = uidMax
        self.sysUIDMax = sysUIDMax
        self.gidMin = gidMin
        self.gidMax = gidMax
    }

    /// Reads the limits from the text of /etc/login.defs; unknown, malformed or missing values keep their defaults.
    ///
    /// Lines are `NAME value`; `#` comments, blank lines, CRLF, quoted values and decimal, `0x` hexadecimal or
    /// `0`-prefixed octal numbers are accepted, the last occurrence of a name wins, as in shadow-utils.
    public static func parse(_ text: String) -> LoginDefs {
        var values: [String: UInt32] = [:]
        for rawLine in text.unicodeScalars.split(separator: "\n") {
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard fields.count >= 2, let name = fields.first, name.first != "#" else { continue }
            if let number = number(String(String.UnicodeScalarView(fields[1]))) {
                values[String(String.UnicodeScalarView(name))] = number
            }
        }
        let uidMin = values["UID_MIN"] ?? defaults.uidMin
        return LoginDefs(
            uidMin: uidMin,
            uidMax: values["UID_MAX"] ?? defaults.uidMax,
            sysUIDMax: values["SYS_UID_MAX"] ?? (uidMin > 0 ? uidMin - 1 : 0),
            gidMin: values["GID_MIN"] ?? defaults.gidMin,
            gidMax: values["GID_MAX"] ?? defaults.gidMax)
    }

    /// Whether `uid` belongs to a system account (below UID_MIN, or at most SYS_UID_MAX).
    public func isSystemUID(_ uid: UInt32) -> Bool {
        uid < uidMin || uid <= sysUIDMax
    }

    private static func number(_ field: String) -> UInt32? {
        var text = Substring(field)
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") {
            text = text.dropFirst().dropLast()
        }
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            return UInt32(text.dropFirst(2), radix: 16)
        }
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if text.count > 1, text.hasPrefix("0") {
            return UInt32(text.dropFirst(), radix: 8)
        }
        return UInt32(text, radix: 10)
    }
}
