import Testing

@testable import EC2SSHCore

@Suite struct UserdelArgumentsTests {
    @Test(arguments: [
        (["--force", "--remove"], ["--force"]),
        (["-r"], []),
        (["-f", "-r"], ["-f"]),
        (["-fr"], ["-f"]),
        (["-rf"], ["-f"]),
        (["-rfZ"], ["-fZ"]),
        (["--rem"], []),
        (["--re"], []),
        (["--remove", "--force", "-r"], ["--force"]),
        (["-R", "/r", "--remove"], ["-R", "/r"]),
        (["-Rr"], ["-Rr"]),
        (["-fR", "-r"], ["-fR", "-r"]),
        (["-rP", "-r"], ["-P", "-r"]),
        (["--root", "-r", "-r"], ["--root", "-r"]),
        (["--root=/x", "-r"], ["--root=/x"]),
        (["--prefix", "--remove"], ["--prefix", "--remove"]),
        (["--force"], ["--force"]),
        ([], []),
        (["--", "-r"], ["--", "-r"]),
    ])
    func homeRemovalIsTakenOutLikeGetoptReadsIt(arguments: [String], expected: [String]) {
        #expect(UserdelArguments.withoutHomeRemoval(arguments) == expected)
        #expect(UserdelArguments.removesHome(arguments) == (arguments != expected))
    }
}
