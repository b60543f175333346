/// Names and contents of the per-user files import_users owns in /etc/sudoers.d.
///
/// A file name is the prefix followed by the local name with `_` written as `_5F` and `.` as `_2E`: sudo skips
/// names containing a dot, and the escaping keeps two local names from ever sharing a file.
public struct SudoersFile: Sendable, Equatable {
    /// The default prefix of our file names.
    public static let defaultPrefix = "aws-ec2-ssh-"
    /// The first line of every file we write.
    public static let header = "# Managed by aws-ec2-ssh import_users. Do not edit."

    /// The file name prefix that marks a file as ours.
    public let prefix: String

    /// Creates the naming for `prefix`, which must be non-empty and use only letters, digits, `-` and `_`.
    public init(prefix: String = SudoersFile.defaultPrefix) throws(PlanError) {
        guard !prefix.isEmpty, prefix.utf8.allSatisfy(SudoersFile.isPrefixByte) else {
            throw PlanError.invalidSudoersPrefix(prefix)
        }
        self.prefix = prefix
    }

    /// The file name (no directory) for `localName`.
    public func fileName(forLocalName localName: String) -> String {
        var name = prefix
        for character in localName {
            switch character {
            case "_": name += "_5F"
            case ".": name += "_2E"
            default: name.append(character)
            }
        }
        return name
    }

    /// The local name whose file is `fileName`, or `nil` when the file is not one of ours.
    public func localName(forFileName fileName: String) -> String? {
        guard fileName.hasPrefix(prefix) else { return nil }
        var rest = Substring(fileName.dropFirst(prefix.count))
        var name = ""
        while let character = rest.first {
            rest = rest.dropFirst()
            guard character == "_" else {
                name.append(character)
                continue
            }
            if rest.hasPrefix("5F") {
                name += "_"
            } else if rest.hasPrefix("2E") {
                name += "."
            } else {
                return nil
            }
            rest = rest.dropFirst(2)
        }
        guard NameMapping.isValidLocalName(name), self.fileName(forLocalName: name) == fileName else { return nil }
        return name
    }

    /// Whether `fileName` is one of ours, so the planner may remove it.
    public func owns(_ fileName: String) -> Bool {
        localName(forFileName: fileName) != nil
    }

    /// The file content granting `rule` to `localName`, ending with a newline.
    public static func content(forLocalName localName: String, rule: String) throws(PlanError) -> String {
        try validate(rule: rule)
        return "\(header)\n\"\(localName)\" \(rule)\n"
    }

    /// Checks that `rule` is a single non-empty line, not continued onto the next by a trailing backslash.
    public static func validate(rule: String) throws(PlanError) {
        let trimmed = rule.filter { $0 != " " && $0 != "\t" }
        guard !trimmed.isEmpty, !rule.contains(where: { $0.isNewline || $0 == "\0" }), !rule.hasSuffix("\\") else {
            throw PlanError.invalidSudoersRule(rule)
        }
    }

    private static func isPrefixByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
