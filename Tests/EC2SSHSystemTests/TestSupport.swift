import Testing

@testable import EC2SSHSystem

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh directory under /tmp, removed (recursively) when the test is done.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/ec2ssh-system-tests-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        path = try #require(created.map { String(cString: $0) })
        #expect(path.hasPrefix("/tmp/ec2ssh-system-tests-"))
    }

    func child(_ name: String) -> String { path + "/" + name }

    deinit {
        guard path.hasPrefix("/tmp/ec2ssh-system-tests-") else { return }
        _ = try? PosixProcessRunner().run(Command("/bin/rm", ["-rf", "--", path]))
    }
}

/// Runs `body` and returns the `SystemError` it throws; records an issue when it throws nothing else.
func systemError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> SystemError? {
    do {
        try body()
        Issue.record("expected a SystemError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as SystemError {
        return error
    } catch {
        Issue.record("expected a SystemError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// An in-memory `FileSystem` for tests of code that reads files; anything not set up fails loudly.
final class FakeFileSystem: FileSystem {
    /// File contents by path; a `SystemError` value makes reading that path throw it.
    let files: [String: Result<[UInt8], SystemError>]
    /// Directory listings by path.
    let directories: [String: [String]]

    init(files: [String: Result<[UInt8], SystemError>] = [:], directories: [String: [String]] = [:]) {
        self.files = files
        self.directories = directories
    }

    func readFile(_ path: String) throws -> [UInt8]? {
        guard let entry = files[path] else { return nil }
        return try entry.get()
    }

    func listDirectory(_ path: String) throws -> [String] {
        guard let names = directories[path] else {
            Issue.record("FakeFileSystem: listDirectory(\(path)) was not set up")
            throw SystemError(.systemCall, operation: "list", subject: path, errno: ENOENT)
        }
        return names
    }

    func writeFileAtomically(_ path: String, contents: [UInt8], mode: UInt32, owner: FileOwner?) throws {
        Issue.record("FakeFileSystem: unexpected write of \(path)")
        throw SystemError(.unexpectedCommand, operation: "write", subject: path)
    }

    func removeFile(_ path: String) throws {
        Issue.record("FakeFileSystem: unexpected removal of \(path)")
        throw SystemError(.unexpectedCommand, operation: "remove", subject: path)
    }

    func createDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws {
        Issue.record("FakeFileSystem: unexpected directory creation at \(path)")
        throw SystemError(.unexpectedCommand, operation: "create directory", subject: path)
    }

    func status(_ path: String) throws -> FileStatus? {
        Issue.record("FakeFileSystem: unexpected status of \(path)")
        throw SystemError(.unexpectedCommand, operation: "stat", subject: path)
    }
}
