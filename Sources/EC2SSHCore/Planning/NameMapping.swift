/// Maps IAM user names to local UNIX user names and back, exactly like aws-ec2-ssh.
///
/// `+` becomes `.plus.`, `=` `.equal.`, `,` `.comma.` and `@` `.at.`, in that order.
public enum NameMapping {
    /// Why an IAM name gets no local name.
    public enum Refusal: Error, Sendable, Equatable {
        /// The name holds characters no local name may hold.
        case invalidCharacters
        /// The mapped name is longer than `maximumLength`.
        case tooLong(localName: String)
        /// The mapped name is one that useradd, a path or another tool treats specially.
        case unsafe(localName: String, reason: String)
        /// The mapped name maps back to a different IAM name, so the key command could never serve its keys.
        case notReversible(localName: String, reversed: String)

        /// One line for the log, naming the IAM user.
        public func message(iamUserName: String) -> String {
            let user = "IAM user \(String(reflecting: iamUserName))"
            switch self {
            case .invalidCharacters:
                return "\(user) cannot be mapped to a local name (allowed: letters, digits, '.', '_', '-', '+', "
                    + "'=', ',', '@'); it is not imported"
            case .tooLong(let local):
                return "\(user) maps to local name \(local), longer than \(NameMapping.maximumLength) characters; "
                    + "it is not imported (rename the IAM user)"
            case .unsafe(let local, let reason):
                return "\(user) maps to local name \(String(reflecting: local)), which \(reason); it is not imported "
                    + "(rename the IAM user)"
            case .notReversible(let local, let reversed):
                return "\(user) maps to local name \(local), which maps back to IAM user \(reversed), so its keys "
                    + "could never be served; it is not imported (rename the IAM user)"
            }
        }
    }

    /// The longest local user name accepted.
    public static let maximumLength = 32

    private static let replacements: [(iam: String, local: String)] = [
        ("+", ".plus."), ("=", ".equal."), (",", ".comma."), ("@", ".at."),
    ]

    /// The local name for `iamName`, or `nil` when it gets none (see `mapping(forIAMName:)`).
    public static func localName(forIAMName iamName: String) -> String? {
        try? mapping(forIAMName: iamName).get()
    }

    /// The local name for `iamName`, or why it gets none.
    ///
    /// The name must match `^[0-9a-zA-Z._-]{1,32}$` after mapping, must be safe (see
    /// `unsafeReason(forLocalName:)`) and must map back to `iamName`.
    public static func mapping(forIAMName iamName: String) -> Result<String, Refusal> {
        let name = substituted(iamName)
        guard !name.isEmpty, name.utf8.allSatisfy(isLocalNameByte) else { return .failure(.invalidCharacters) }
        guard name.utf8.count <= maximumLength else { return .failure(.tooLong(localName: name)) }
        if let reason = unsafeReason(forLocalName: name) {
            return .failure(.unsafe(localName: name, reason: reason))
        }
        let reversed = self.iamName(forLocalName: name)
        guard reversed == iamName else { return .failure(.notReversible(localName: name, reversed: reversed)) }
        return .success(name)
    }

    /// `iamName` with the four replacements applied and nothing checked; collisions are found on this.
    public static func substituted(_ iamName: String) -> String {
        var name = iamName
        for replacement in replacements {
            name = name.replacing(replacement.iam, with: replacement.local)
        }
        return name
    }

    /// The IAM name that `localName` maps back to.
    public static func iamName(forLocalName localName: String) -> String {
        var name = localName
        for replacement in replacements.reversed() {
            name = name.replacing(replacement.local, with: replacement.iam)
        }
        return name
    }

    /// Why `localName` must not be given to useradd, or `nil` when it is safe.
    ///
    /// Refused: the empty name, names starting with `-` (an option to useradd, userdel, chown...), names starting
    /// with `.` (`.`, `..`, `...`: a home directory that is the home base or its parent; `.ssh`: a hidden home),
    /// names ending with `.` (`chown NAME.` means NAME and its login group), and names a tool could read as a
    /// numeric user ID (all digits, or `0x` and hexadecimal digits).
    public static func unsafeReason(forLocalName localName: String) -> String? {
        let bytes = Array(localName.utf8)
        guard let first = bytes.first, let last = bytes.last else { return "is empty" }
        if bytes.allSatisfy({ $0 == UInt8(ascii: ".") }) {
            return "is a path component (., .., ...) that would make its home directory the home base or above"
        }
        if first == UInt8(ascii: "-") { return "starts with '-' and would be read as a command-line option" }
        if first == UInt8(ascii: ".") { return "starts with '.' (a hidden home directory, a relative path)" }
        if last == UInt8(ascii: ".") { return "ends with '.', which chown reads as NAME. (the user and its group)" }
        if bytes.allSatisfy(isDigit) { return "is a number that tools read as a UID" }
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0"), bytes[1] | 0x20 == UInt8(ascii: "x"),
            bytes.dropFirst(2).allSatisfy(isHexDigit)
        {
            return "is a hexadecimal number that tools read as a UID"
        }
        return nil
    }

    /// Whether `name` matches `^[0-9a-zA-Z._-]{1,32}$`; says nothing about safety (see `unsafeReason`).
    public static func isValidLocalName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= maximumLength && name.utf8.allSatisfy(isLocalNameByte)
    }

    /// Whether `byte` may appear in a local name: `[0-9a-zA-Z._-]`.
    static func isLocalNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
    }
}
