import EC2SSHCore
import Testing

/// The --dry-run diff and Include's glob matching.
struct LineDiffTests {
    @Test func equalTextsHaveNoDiff() {
        #expect(LineDiff.unified(old: "a\nb\n", new: "a\nb\n", oldLabel: "x", newLabel: "y").isEmpty)
    }

    @Test func changedLineWithContext() {
        let old = (1...10).map { "l\($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacing("l5\n", with: "L5\n")
        #expect(
            LineDiff.unified(old: old, new: new, oldLabel: "a", newLabel: "b") == [
                "--- a", "+++ b", "@@", " l2", " l3", " l4", "-l5", "+L5", " l6", " l7", " l8",
            ])
    }

    @Test func fromNothing() {
        #expect(
            LineDiff.unified(old: "", new: "x\n", oldLabel: "/dev/null", newLabel: "b") == [
                "--- /dev/null", "+++ b", "@@", "+x",
            ])
    }

    @Test(arguments: [
        ("a.conf", "*.conf", true), (".hidden.conf", "*.conf", false), ("a.conf.bak", "*.conf", false),
        ("50-cloud.conf", "[0-9]*", true), ("x", "?", true), ("xy", "?", false), ("a", "[!a]", false),
    ])
    func glob(name: String, pattern: String, expected: Bool) {
        #expect(GlobPattern.matches(name, pattern) == expected)
    }

    @Test func globSplit() {
        #expect(GlobPattern.split("/etc/ssh/sshd_config.d/*.conf") == ("/etc/ssh/sshd_config.d", "*.conf"))
    }
}
