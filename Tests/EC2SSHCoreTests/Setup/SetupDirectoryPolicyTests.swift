import EC2SSHCore
import Testing

/// Defect 4: KEY_CACHE_DIR must be a directory of its own.
struct SetupDirectoryPolicyTests {
    @Test(arguments: ["/var/cache", "/", "/tmp", "/var", "/var/lib", "/etc", "/home", "/usr/local/sbin"])
    func systemDirectoriesAreRefused(path: String) {
        #expect(throws: EC2SSHError.self) {
            try SetupDirectoryPolicy.checkCacheDirectory(
                path, stateDirectory: "/var/lib/aws-ec2-ssh", existing: .missing)
        }
    }

    @Test(arguments: ["relative", "/var/cache/../x", "/var/cache/x/", "/var//x", "/var/./x"])
    func unusablePathsAreRefused(path: String) {
        #expect(throws: EC2SSHError.self) { try SetupDirectoryPolicy.checkPath(path, key: "KEY_CACHE_DIR") }
    }

    @Test(arguments: [
        (SetupDirectoryPolicy.Existing.missing, true), (.recorded, true),
        (.directory(ownedByServiceUser: true, entries: 5), true),
        (.directory(ownedByServiceUser: false, entries: 0), true),
        (.directory(ownedByServiceUser: false, entries: 3), false), (.notDirectory, false),
    ])
    func existingDirectories(existing: SetupDirectoryPolicy.Existing, accepted: Bool) {
        let check = {
            try SetupDirectoryPolicy.checkCacheDirectory(
                "/srv/cache", stateDirectory: "/var/lib/aws-ec2-ssh", existing: existing)
        }
        if accepted {
            #expect(throws: Never.self) { try check() }
        } else {
            #expect(throws: EC2SSHError.self) { try check() }
        }
    }

    @Test(arguments: ["/var/lib/aws-ec2-ssh", "/var/lib/aws"])
    func stateDirectoryOrAroundIt(path: String) {
        #expect(throws: EC2SSHError.self) {
            try SetupDirectoryPolicy.checkCacheDirectory(
                path, stateDirectory: path == "/var/lib/aws" ? "/var/lib/aws/state" : path, existing: .missing)
        }
    }
}
