import EC2SSHSystem
import Testing

/// A filesystem holding only the files a test gives it; anything else it is asked is a test failure.
struct MemoryFileSystem: FileSystem {
    var files: [String: [UInt8]] = [:]

    func readFile(_ path: String) throws -> [UInt8]? { files[path] }
    func writeFileAtomically(_ path: String, contents: [UInt8], mode: UInt32, owner: FileOwner?) throws {
        Issue.record("unexpected write of \(path)")
    }
    func removeFile(_ path: String) throws { Issue.record("unexpected removal of \(path)") }
    func listDirectory(_ path: String) throws -> [String] {
        Issue.record("unexpected listing of \(path)")
        return []
    }
    func createDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws {
        Issue.record("unexpected mkdir \(path)")
    }
    func status(_ path: String) throws -> FileStatus? {
        Issue.record("unexpected stat of \(path)")
        return nil
    }
}
