/// Validators of the fleet publisher's settings (SNAPSHOT_KMS_KEY_ID, SNAPSHOT_TAGS).
extension ConfigValue {
    /// The longest KMS key identifier KMS accepts (a key ARN or alias ARN).
    static let maximumKMSKeyIDLength = 2048

    /// SNAPSHOT_KMS_KEY_ID: a key id, key ARN, alias name (`alias/NAME`) or alias ARN; one word.
    static func kmsKeyID(_ value: String) throws(Invalid) -> String {
        let printable = value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
        guard printable, value.utf8.count <= maximumKMSKeyIDLength else {
            throw Invalid(
                message: "expected a KMS key id, key ARN, alias/NAME or alias ARN (one word of printable ASCII)")
        }
        return value
    }

    /// SNAPSHOT_TAGS: comma-separated IAM user tag keys, each at most 128 characters, duplicates dropped.
    static func tagKeyList(_ value: String) throws(Invalid) -> [String] {
        var keys: [String] = []
        for item in value.split(separator: ",") {
            var key = item
            while let first = key.first, first == " " || first == "\t" { key = key.dropFirst() }
            while let last = key.last, last == " " || last == "\t" { key = key.dropLast() }
            guard !key.isEmpty, !keys.contains(String(key)) else { continue }
            keys.append(try tagKey(String(key)))
        }
        return keys
    }
}
