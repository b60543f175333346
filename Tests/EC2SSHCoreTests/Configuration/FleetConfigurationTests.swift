import Testing

@testable import EC2SSHCore

/// The fleet reader keys: defaults, accepted values and refused ones.
@Suite struct FleetConfigurationTests {
    @Test func defaults() {
        let defaults = Configuration()
        #expect(defaults.snapshotURL == nil)
        #expect(defaults.snapshotPublicKey == "/etc/aws-ec2-ssh/snapshot.pem")
        #expect(defaults.snapshotAllowUnsigned == false)
        #expect(defaults.snapshotMaxAge == 3600)
        #expect(defaults.snapshotRefresh == 60)
        #expect(defaults.snapshotBucketOwner == "")
    }

    @Test func readsEveryKey() throws {
        let text = """
            SNAPSHOT_URL="s3://my-fleet.bucket/aws-ec2-ssh/prod snapshot"
            SNAPSHOT_PUBLIC_KEY="/etc/aws-ec2-ssh/prod.pem"
            SNAPSHOT_ALLOW_UNSIGNED="1"
            SNAPSHOT_MAX_AGE="7200"
            SNAPSHOT_REFRESH="0"
            SNAPSHOT_BUCKET_OWNER="123456789012"

            """
        let (configuration, warnings) = try Configuration.parse(text, path: "c")
        #expect(warnings.isEmpty)
        #expect(
            configuration.snapshotURL == FleetSnapshotURL(bucket: "my-fleet.bucket", key: "aws-ec2-ssh/prod snapshot"))
        #expect(configuration.snapshotURL?.text == "s3://my-fleet.bucket/aws-ec2-ssh/prod snapshot")
        #expect(configuration.snapshotPublicKey == "/etc/aws-ec2-ssh/prod.pem")
        #expect(configuration.snapshotAllowUnsigned)
        #expect(configuration.snapshotMaxAge == 7200)
        #expect(configuration.snapshotRefresh == 0)
        #expect(configuration.snapshotBucketOwner == "123456789012")
    }

    @Test(arguments: [
        ("SNAPSHOT_URL", "https://bucket/key", "s3://"),
        ("SNAPSHOT_URL", "s3://bucket", "no object key"),
        ("SNAPSHOT_URL", "s3://bucket/", "object key"),
        ("SNAPSHOT_URL", "s3://Bucket/key", "bucket name"),
        ("SNAPSHOT_URL", "s3://ab/key", "bucket name"),
        ("SNAPSHOT_URL", "s3://bucket//key", "leading /"),
        ("SNAPSHOT_PUBLIC_KEY", "relative.pem", "absolute"),
        ("SNAPSHOT_ALLOW_UNSIGNED", "yes", "0 or 1"),
        ("SNAPSHOT_MAX_AGE", "10", "60"),
        ("SNAPSHOT_REFRESH", "-1", ""),
        ("SNAPSHOT_BUCKET_OWNER", "12345", "12-digit"),
    ])
    func refusesBadValues(key: String, value: String, phrase: String) {
        let text = "\(key)=\"\(value)\"\n"
        do {
            _ = try Configuration.parse(text, path: "c")
            Issue.record("\(key)=\(value) accepted")
        } catch {
            #expect("\(error)".contains(key) && "\(error)".contains(phrase), "\(error)")
        }
    }
}
