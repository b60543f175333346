/// Validators of fleet mode's settings (SNAPSHOT_URL, SNAPSHOT_BUCKET_OWNER, SNAPSHOT_KMS_KEY_ID, SNAPSHOT_TAGS).
extension ConfigValue {
    /// SNAPSHOT_URL: `s3://bucket/key`, a bucket name S3 accepts (3-63 of `a-z0-9.-`, starting and ending with a
    /// letter or digit) and a key of 1-1024 bytes without control characters.
    static func snapshotURL(_ value: String) throws(Invalid) -> SnapshotURL {
        let example = "expected s3://BUCKET/KEY, for example s3://example-fleet/aws-ec2-ssh/snapshot"
        guard value.hasPrefix("s3://") else { throw Invalid(message: example) }
        let rest = value.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/") else {
            throw Invalid(message: "the URL has no object key; \(example)")
        }
        let bucket = String(rest[..<slash])
        let key = String(rest[rest.index(after: slash)...])
        let bucketBytes = Array(bucket.utf8)
        let allowed = bucketBytes.allSatisfy { byte in
            (0x61...0x7a).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2e || byte == 0x2d
        }
        let edges = [bucketBytes.first, bucketBytes.last].allSatisfy { byte in
            byte.map { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) } ?? false
        }
        guard (3...63).contains(bucketBytes.count), allowed, edges else {
            throw Invalid(
                message: "'\(bucket)' is not an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens); "
                    + example)
        }
        guard (1...1024).contains(key.utf8.count), !key.hasPrefix("/"),
            !key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else {
            throw Invalid(
                message: "the object key must be 1 to 1024 bytes without control characters or a leading /; \(example)")
        }
        return SnapshotURL(bucket: bucket, key: key)
    }

    /// SNAPSHOT_BUCKET_OWNER: a 12-digit AWS account id.
    static func accountID(_ value: String) throws(Invalid) -> String {
        guard value.utf8.count == 12, value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw Invalid(message: "expected a 12-digit AWS account id")
        }
        return value
    }

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
