// swift-tools-version:6.0
import PackageDescription

/// Settings every Swift target shares: Swift 6 mode (strict concurrency) plus a few stricter upcoming features.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
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
        .target(name: "EC2SSH"),
        .target(
            name: "EC2SSHSystem",
            dependencies: ["EC2SSH", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "EC2SSHApp",
            dependencies: [
                "AWSCore", "EC2SSH", "EC2SSHSystem", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "import_users",
            dependencies: [
                "AWSCore", "EC2SSH", "EC2SSHSystem", "EC2SSHApp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "authorized_keys_command",
            dependencies: [
                "AWSCore", "EC2SSH", "EC2SSHSystem", "EC2SSHApp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "AWSCoreTests", dependencies: ["AWSCore"], exclude: ["Fixtures"]),
        .testTarget(name: "EC2SSHTests", dependencies: ["EC2SSH"]),
        .testTarget(
            name: "EC2SSHSystemTests",
            dependencies: ["EC2SSHSystem", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "EC2SSHAppTests",
            dependencies: [
                "EC2SSHApp", "AWSCore", "EC2SSH", "EC2SSHSystem", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "IntegrationTests", dependencies: ["AWSCore", "EC2SSH", "EC2SSHSystem", "EC2SSHApp"]),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
