import EC2SSHSystem
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh directory under /tmp, removed (recursively) when the test is done.
package final class TemporaryDirectory {
    /// The absolute path of the directory.
    package let path: String

    /// Creates the directory with `mkdtemp`.
    package init() throws {
        var template = Array("/tmp/ec2ssh-system-tests-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        path = try #require(created.map { String(cString: $0) })
        #expect(path.hasPrefix("/tmp/ec2ssh-system-tests-"))
    }

    /// The path of `name` inside the directory.
    package func child(_ name: String) -> String { path + "/" + name }

    deinit {
        guard path.hasPrefix("/tmp/ec2ssh-system-tests-") else { return }
        _ = try? PosixProcessRunner().run(Command("/bin/rm", ["-rf", "--", path]))
    }
}
