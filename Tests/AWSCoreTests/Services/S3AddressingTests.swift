import Testing

@testable import AWSCore

/// Which URL an S3 object gets: virtual-hosted on AWS for DNS-compatible names, path-style otherwise.
@Suite struct S3AddressingTests {
    @Test(arguments: [
        // AWS endpoints, DNS-compatible name: virtual-hosted.
        (
            "https://s3.eu-west-1.amazonaws.com", S3AddressingStyle.automatic, "fleet-1", "a/b c",
            "https://fleet-1.s3.eu-west-1.amazonaws.com/a/b%20c"
        ),
        (
            "https://s3.cn-north-1.amazonaws.com.cn/", .automatic, "fleet", "k",
            "https://fleet.s3.cn-north-1.amazonaws.com.cn/k"
        ),
        // Dots or capitals: path-style even on AWS.
        (
            "https://s3.eu-west-1.amazonaws.com", .automatic, "fleet.example.com", "k",
            "https://s3.eu-west-1.amazonaws.com/fleet.example.com/k"
        ),
        (
            "https://s3.eu-west-1.amazonaws.com", .automatic, "Legacy_Bucket", "k",
            "https://s3.eu-west-1.amazonaws.com/Legacy_Bucket/k"
        ),
        // Endpoint overrides (moto, MinIO, a VPC endpoint URL): path-style.
        ("http://127.0.0.1:5000", .automatic, "fleet", "snap", "http://127.0.0.1:5000/fleet/snap"),
        (
            "https://bucket.vpce-1a2b.s3.eu-west-1.vpce.amazonaws.com", .automatic, "fleet", "k",
            "https://bucket.vpce-1a2b.s3.eu-west-1.vpce.amazonaws.com/fleet/k"
        ),
        (
            "https://s3.eu-west-1.amazonaws.com:8443", .automatic, "fleet", "k",
            "https://s3.eu-west-1.amazonaws.com:8443/fleet/k"
        ),
        // Forced styles.
        ("https://s3.eu-west-1.amazonaws.com", .path, "fleet", "k", "https://s3.eu-west-1.amazonaws.com/fleet/k"),
        ("http://minio.local:9000", .virtualHosted, "fleet", "k", "http://fleet.minio.local:9000/k"),
        // Keys: each segment encoded once, empty segments kept.
        (
            "http://127.0.0.1:5000", .automatic, "b-1", "dir//x+y=z%&ü",
            "http://127.0.0.1:5000/b-1/dir//x%2By%3Dz%25%26%C3%BC"
        ),
    ])
    func urls(endpoint: String, style: S3AddressingStyle, bucket: String, key: String, url: String) throws {
        #expect(
            try S3Addressing.url(endpointURL: endpoint, style: style, location: S3Location(bucket: bucket, key: key))
                == url)
    }

    @Test(arguments: [
        ("", "k"), ("bad/bucket", "k"), ("bad bucket", "k"), ("b\u{0}", "k"), ("fleet", ""), ("fleet", "a/../b"),
        ("fleet", "./a"), ("fleet", "a/.."), ("fleet", "a\nb"), ("fleet", String(repeating: "k", count: 1_025)),
    ])
    func unusableLocationsAreConfigurationErrors(bucket: String, key: String) {
        #expect {
            try S3Addressing.url(
                endpointURL: "http://127.0.0.1:5000", style: .automatic, location: S3Location(bucket: bucket, key: key))
        } throws: { error in
            guard case .configuration = error as? AWSError else { return false }
            return true
        }
    }

    @Test(arguments: ["fleet.example.com", "Fleet", "ab", "-fleet", "fleet_1"])
    func forcingVirtualHostedOnAnIncompatibleNameIsRefused(bucket: String) {
        #expect(throws: AWSError.self) {
            try S3Addressing.url(
                endpointURL: "https://s3.eu-west-1.amazonaws.com", style: .virtualHosted,
                location: S3Location(bucket: bucket, key: "k"))
        }
    }
}
