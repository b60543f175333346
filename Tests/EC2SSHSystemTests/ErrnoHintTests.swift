import Testing

@testable import EC2SSHSystem

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ErrnoHintTests {
    @Test(arguments: [EACCES, EPERM])
    func aPermissionHintNamesTheUserInsteadOfSayingRunAsRoot(code: Int32) throws {
        let hint = try #require(Errno(code: code).hint)
        let user = geteuid() == 0 ? "root" : "uid \(geteuid())"
        #expect(hint == "check the owner and permissions of the path and its parents: this program runs as \(user)")
        #expect(!hint.contains("run as root"))
    }

    @Test(arguments: [(ENOSPC, "free some disk space"), (EROFS, "the filesystem is read-only")])
    func otherHints(code: Int32, hint: String) {
        #expect(Errno(code: code).hint == hint)
        #expect(Errno(code: ENOENT).hint == nil)
    }
}
