// swift-tools-version:6.0
import PackageDescription

/// Settings every Swift target shares: Swift 6 mode (strict concurrency) plus a few stricter upcoming features.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "aws-ec2-ssh",
    products: [
        .executable(name: "import_users", targets: ["import_users"]),
        .executable(name: "authorized_keys_command", targets: ["authorized_keys_command"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // No pkgConfig: libcurl is loaded at run time with dlopen (Sources/CCurl/shim.h), so nothing links -lcurl.
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CExpat", pkgConfig: "expat", providers: [.apt(["libexpat1-dev"])]),
        .target(
            name: "AWSCore",
            dependencies: ["CCurl", "CCrypto", "CExpat"]
        ),
        // The pure core: configuration, name mapping, planning, file formats. No I/O, no dependencies.
        .target(name: "EC2SSHCore"),
        // Every syscall: files, processes, locks, threads, logging to syslog.
        .target(
            name: "EC2SSHSystem",
            dependencies: [.product(name: "Logging", package: "swift-log")]
        ),
        // What both tools share: settings, AWS client construction, the SSH key fetcher, the key cache.
        .target(
            name: "EC2SSHShared",
            dependencies: ["AWSCore", "EC2SSHCore", "EC2SSHSystem"]
        ),
        // The key command (sshd's AuthorizedKeysCommand). It cannot change accounts: ImportUsers is not linked.
        .target(
            name: "AuthorizedKeys",
            dependencies: [
                "AWSCore", "EC2SSHCore", "EC2SSHSystem", "EC2SSHShared",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The import: reads IAM, plans, creates and removes accounts, writes sudoers and state.
        .target(
            name: "ImportUsers",
            dependencies: [
                "AWSCore", "EC2SSHCore", "EC2SSHSystem", "EC2SSHShared",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The fleet publisher behind `import_users publish`: reads IAM completely, signs a snapshot with KMS and
        // puts it in S3. Linked only by import_users; the key command never contains it.
        .target(
            name: "FleetPublisher",
            dependencies: [
                "AWSCore", "EC2SSHCore", "EC2SSHSystem", "EC2SSHShared",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The installer behind `import_users setup`: staging, rollback, sshd, schedule. Linked only by import_users.
        .target(
            name: "HostSetup",
            dependencies: ["EC2SSHCore", "EC2SSHSystem"]
        ),
        .executableTarget(
            name: "import_users",
            dependencies: [
                "EC2SSHCore", "EC2SSHSystem", "EC2SSHShared", "ImportUsers", "HostSetup", "FleetPublisher",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "authorized_keys_command",
            dependencies: [
                "AuthorizedKeys", "EC2SSHShared", "EC2SSHSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test doubles shared by the test targets: fakes fail loudly when a test forgets to set them up.
        .target(
            name: "TestSupport",
            dependencies: [
                "AWSCore", "EC2SSHCore", "EC2SSHSystem", "EC2SSHShared", "AuthorizedKeys", "ImportUsers", "HostSetup",
                "FleetPublisher", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "AWSCoreTests", dependencies: ["AWSCore", "CCurl", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "EC2SSHCoreTests", dependencies: ["EC2SSHCore"]),
        .testTarget(name: "HostSetupTests", dependencies: ["HostSetup", "EC2SSHCore", "EC2SSHSystem", "TestSupport"]),
        .testTarget(
            name: "EC2SSHSystemTests",
            dependencies: ["EC2SSHSystem", "TestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        // Tests of the shared test doubles themselves: each fails loudly when a test forgets to set it up.
        .testTarget(name: "TestSupportTests", dependencies: ["AWSCore", "EC2SSHSystem", "TestSupport"]),
        .testTarget(
            name: "EC2SSHSharedTests",
            dependencies: ["AWSCore", "EC2SSHCore", "EC2SSHShared", "EC2SSHSystem", "TestSupport"]
        ),
        .testTarget(
            name: "AuthorizedKeysTests",
            dependencies: [
                "AuthorizedKeys", "EC2SSHShared", "TestSupport", "AWSCore", "EC2SSHCore", "EC2SSHSystem",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ImportUsersTests",
            dependencies: [
                "AWSCore", "EC2SSHCore", "EC2SSHShared", "EC2SSHSystem", "ImportUsers", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "FleetPublisherTests",
            dependencies: [
                "AWSCore", "EC2SSHCore", "EC2SSHSystem", "FleetPublisher", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "AWSCore", "AuthorizedKeys", "EC2SSHCore", "EC2SSHShared", "EC2SSHSystem", "FleetPublisher",
                "ImportUsers",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
