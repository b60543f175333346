/// Maps IAM user names to local UNIX user names and back, exactly like aws-ec2-ssh.
///
/// `+` becomes `.plus.`, `=` `.equal.`, `,` `.comma.` and `@` `.at.`, in that order.
public enum NameMapping {
    /// The longest local user name accepted.
    public static let maximumLength = 32

    private static let replacements: [(iam: String, local: String)] = [
        ("+", ".plus."), ("=", ".equal."), (",", ".comma."), ("@", ".at."),
    ]

    /// The local name for `iamName`, or `nil` when the result is not a valid local name.
    public static func localName(forIAMName iamName: String) -> String? {
        var name = iamName
        for replacement in replacements {
            name = name.replacing(replacement.iam, with: replacement.local)
        }
        return isValidLocalName(name) ? name : nil
    }

    /// The IAM name that `localName` maps back to.
    public static func iamName(forLocalName localName: String) -> String {
        var name = localName
        for replacement in replacements.reversed() {
            name = name.replacing(replacement.local, with: replacement.iam)
        }
        return name
    }

    /// Whether `name` matches `^[0-9a-zA-Z._-]{1,32}$`.
    public static func isValidLocalName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maximumLength else { return false }
        return name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }
}
