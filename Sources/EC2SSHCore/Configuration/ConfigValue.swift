/// Validators that turn one configuration value into its typed form.
enum ConfigValue {
    /// Why a value was refused, phrased so the operator knows what to write instead.
    struct Invalid: Error, Equatable {
        var message: String
    }

    /// The longest IAM group name IAM accepts.
    static let maximumIAMGroupLength = 128
    /// The longest EC2 or IAM tag key AWS accepts.
    static let maximumTagKeyLength = 128

    static func roleARN(_ value: String) throws(Invalid) -> String {
        guard value.hasPrefix("arn:"), value.contains(":iam::"), value.contains(":role/"),
            !value.unicodeScalars.contains(where: { $0 == " " || $0 == "\t" })
        else {
            throw Invalid(message: "expected an IAM role ARN such as arn:aws:iam::123456789012:role/NAME")
        }
        return value
    }

    static func iamGroupList(_ value: String, allowEveryone: Bool) throws(Invalid) -> [String] {
        var groups: [String] = []
        for item in listItems(value, separators: [",", " ", "\t"]) where !groups.contains(item) {
            if allowEveryone, item == Configuration.everyoneSudoersGroup {
                groups.append(item)
                continue
            }
            guard isValidIAMName(item) else {
                throw Invalid(
                    message: "'\(item)' is not a valid IAM group name (letters, digits and +=.@_- only, at most"
                        + " \(maximumIAMGroupLength) characters); separate groups with commas")
            }
            groups.append(item)
        }
        return groups
    }

    static func tagKey(_ value: String) throws(Invalid) -> String {
        guard value.count <= maximumTagKeyLength, !value.unicodeScalars.contains(where: isControl) else {
            throw Invalid(message: "expected a tag key of at most \(maximumTagKeyLength) characters")
        }
        return value
    }

    static func localGroup(_ value: String) throws(Invalid) -> String {
        guard isValidGroupName(value) else {
            throw Invalid(
                message: "'\(value)' is not a valid local group name (letters, digits and ._- only, at most 32"
                    + " characters, not starting with '-', not all digits)")
        }
        return value
    }

    static func localGroupList(_ value: String) throws(Invalid) -> [String] {
        var groups: [String] = []
        for item in listItems(value, separators: [","]) where !groups.contains(item) {
            groups.append(try localGroup(item))
        }
        return groups
    }

    static func localGroupMap(_ value: String) throws(Invalid) -> [String: [String]] {
        var map: [String: [String]] = [:]
        for item in listItems(value, separators: [",", " ", "\t"]) {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, isValidIAMName(String(parts[0])) else {
                throw Invalid(
                    message: "'\(item)' is not an iam-group:local-group pair; write pairs such as"
                        + " developers:docker,developers:adm separated by commas")
            }
            let local = try localGroup(String(parts[1]))
            let iamGroup = String(parts[0])
            if !map[iamGroup, default: []].contains(local) {
                map[iamGroup, default: []].append(local)
            }
        }
        return map
    }

    static func program(_ value: String) throws(Invalid) -> String {
        let path = try absolutePath(value)
        guard !path.hasSuffix("/") else {
            throw Invalid(message: "expected the absolute path of a program, not of a directory")
        }
        return path
    }

    static func file(_ value: String) throws(Invalid) -> String {
        let path = try absolutePath(value)
        guard !path.hasSuffix("/") else {
            throw Invalid(message: "expected the absolute path of a file, not of a directory")
        }
        return path
    }

    static func directory(_ value: String) throws(Invalid) -> String {
        let path = try absolutePath(value)
        guard path.contains(where: { $0 != "/" }) else {
            throw Invalid(message: "the root directory cannot be used; give a dedicated directory")
        }
        return path
    }

    static func arguments(_ value: String) throws(Invalid) -> [String] {
        do {
            return try ShellWords.split(value)
        } catch let error as EC2SSHError {
            guard case .invalidShellWords(_, let message) = error else { throw Invalid(message: error.description) }
            throw Invalid(message: message)
        } catch {
            throw Invalid(message: "\(error)")
        }
    }

    static func accountID(_ value: String) throws(Invalid) -> String {
        guard value.utf8.count == 12, value.allSatisfy(\.isASCIIDigitCharacter) else {
            throw Invalid(message: "expected a 12-digit AWS account id such as 123456789012")
        }
        return value
    }

    static func flag(_ value: String) throws(Invalid) -> Bool {
        switch value {
        case "0": return false
        case "1": return true
        default: throw Invalid(message: "expected 0 or 1")
        }
    }

    static func sudoersRule(_ value: String) throws(Invalid) -> String {
        guard !value.unicodeScalars.contains(where: { isControl($0) && $0 != "\t" }) else {
            throw Invalid(message: "the rule must be a single line without control characters")
        }
        // Character.isNewline also covers U+0085, U+2028 and U+2029, which SudoersFile.validate(rule:) refuses.
        guard !value.contains(where: \.isNewline) else {
            throw Invalid(
                message: "the rule must be a single line; remove the Unicode line separator (U+0085, U+2028 or U+2029)")
        }
        guard !value.hasSuffix("\\") else {
            throw Invalid(message: "a trailing backslash would continue the sudoers rule onto the next line; remove it")
        }
        guard value.contains(where: { $0 != " " && $0 != "\t" }) else {
            throw Invalid(message: "the rule is blank; write for example ALL=(ALL) NOPASSWD:ALL")
        }
        return value
    }

    static func integer(_ value: String, in range: ClosedRange<Int>) throws(Invalid) -> Int {
        guard let number = decimal(value), range.contains(number) else {
            throw Invalid(message: "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    static func uidSource(_ value: String) throws(Invalid) -> UIDSource {
        guard let source = UIDSource(rawValue: value) else {
            throw Invalid(message: "expected \(UIDSource.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        return source
    }

    static func accountBackend(_ value: String) throws(Invalid) -> AccountBackend {
        guard let backend = AccountBackend(rawValue: value) else {
            throw Invalid(message: "expected \(AccountBackend.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        return backend
    }

    /// The lowest UID a UID_RANGE may start at: 0-999 are system accounts.
    static let lowestRangeUID: UInt32 = 1000
    /// The highest UID a UID_RANGE may end at: 4294967295 is (uid_t)-1.
    static let highestRangeUID: UInt32 = 4_294_967_294

    static func uidRange(_ value: String) throws(Invalid) -> ClosedRange<UInt32> {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let low = decimal(String(parts[0])), let high = decimal(String(parts[1])) else {
            throw Invalid(message: "expected MIN-MAX, for example 70000-99999")
        }
        guard low >= Int(lowestRangeUID) else {
            throw Invalid(message: "the range must start at \(lowestRangeUID) or above: 0-999 are system ids")
        }
        guard low <= high, high <= Int(highestRangeUID) else {
            throw Invalid(message: "MIN must not be above MAX, and MAX at most \(highestRangeUID)")
        }
        return UInt32(low)...UInt32(high)
    }

    /// Whether `name` is a valid IAM user or group name without commas: `[A-Za-z0-9+=.@_-]{1,128}`.
    static func isValidIAMName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maximumIAMGroupLength else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "A"..."Z", "a"..."z", "0"..."9", "+", "=", ".", "@", "_", "-": return true
            default: return false
            }
        }
    }

    /// Whether `name` is a safe local group name: a valid local name that neither starts with `-` nor is a number.
    static func isValidGroupName(_ name: String) -> Bool {
        NameMapping.isValidLocalName(name) && !name.hasPrefix("-") && !name.allSatisfy(\.isASCIIDigitCharacter)
    }

    private static func absolutePath(_ value: String) throws(Invalid) -> String {
        guard value.hasPrefix("/") else {
            throw Invalid(message: "expected an absolute path starting with /")
        }
        guard !value.unicodeScalars.contains(where: isControl) else {
            throw Invalid(message: "the path contains a control character")
        }
        guard !value.split(separator: "/").contains("..") else {
            throw Invalid(message: "the path must not contain '..' components; write it without them")
        }
        return value
    }

    private static func listItems(_ value: String, separators: Set<Character>) -> [String] {
        value.split(whereSeparator: { separators.contains($0) })
            .map { String($0.trimmingBlanks()) }
            .filter { !$0.isEmpty }
    }

    private static func decimal(_ value: String) -> Int? {
        guard !value.isEmpty, value.utf8.count <= 12, value.allSatisfy(\.isASCIIDigitCharacter) else { return nil }
        return Int(value)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }
}

extension Character {
    /// Whether this is one of the ASCII digits 0 to 9.
    fileprivate var isASCIIDigitCharacter: Bool {
        isASCII && isNumber
    }
}

extension Substring {
    /// The substring without leading and trailing spaces and tabs.
    fileprivate func trimmingBlanks() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" {
            result = result.dropFirst()
        }
        while let last = result.last, last == " " || last == "\t" {
            result = result.dropLast()
        }
        return result
    }
}
