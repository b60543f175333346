import Dispatch
import Synchronization
import TestSupport
import Testing

@testable import EC2SSHSystem

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct PosixFileSystemTests {
    let fs = PosixFileSystem()

    @Test func identityChangesWithEveryWriteAndTellsAMissingFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.child("passwd")
        #expect(try fs.identity(path) == .missing(path))
        try fs.writeFileAtomically(path, contents: Array("a\n".utf8), mode: 0o644, owner: nil)
        let first = try #require(try fs.identity(path))
        #expect(!first.isMissing && first.changedAt > 0)
        #expect(try fs.identity(path) == first)
        // Same size, same content, written in place: the status-change time still moves.
        let fd = open(path, O_WRONLY)
        #expect(fd >= 0)
        #expect(write(fd, "a\n", 2) == 2)
        close(fd)
        let inPlace = try #require(try fs.identity(path))
        #expect(inPlace != first)
        // Replaced by rename, as useradd and visudo do: a new inode.
        try fs.writeFileAtomically(path, contents: Array("a\n".utf8), mode: 0o644, owner: nil)
        #expect(try fs.identity(path) != inPlace)
        #expect(throws: SystemError.self) { try fs.identity("relative/path") }
    }

    @Test func atomicWriteCreatesFileWithContentAndExactMode() throws {
        let dir = try TemporaryDirectory()
        let path = dir.child("sudoers-file")
        try fs.writeFileAtomically(path, contents: Array("hello\n".utf8), mode: 0o440, owner: nil)
        #expect(try fs.readFile(path) == Array("hello\n".utf8))
        let status = try #require(try fs.status(path))
        #expect(status.type == .regular)
        #expect(status.mode == 0o440)
        #expect(try fs.listDirectory(dir.path) == ["sudoers-file"])
    }

    @Test func mappedBytesAreTheFilesAndStayTheSameWhenTheFileIsReplacedMeanwhile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.child("managed-users.json")
        let content = Array(repeating: Array("0123456789abcdef".utf8), count: 40_000).flatMap { $0 }
        try fs.writeFileAtomically(path, contents: content, mode: 0o644, owner: nil)
        let seen = try fs.withFileBytes(path) { bytes -> [UInt8] in
            try fs.writeFileAtomically(path, contents: Array("replaced".utf8), mode: 0o644, owner: nil)
            return Array(try #require(bytes))
        }
        #expect(seen == content)
        #expect(try fs.withFileBytes(path) { $0.map(Array.init) } == Array("replaced".utf8))
    }

    @Test func mappingAMissingFileGivesNilAndAnEmptyFileNoBytes() throws {
        let dir = try TemporaryDirectory()
        #expect(try fs.withFileBytes(dir.child("missing")) { $0 == nil })
        #expect(try fs.withFileBytes(dir.child("missing/below")) { $0 == nil })
        try fs.writeFileAtomically(dir.child("empty"), contents: [], mode: 0o644, owner: nil)
        #expect(try fs.withFileBytes(dir.child("empty")) { $0?.count } == 0)
    }

    @Test func mappingRefusesADirectoryAndARelativePath() throws {
        let dir = try TemporaryDirectory()
        #expect(throws: SystemError.self) { try fs.withFileBytes(dir.path) { _ in 0 } }
        #expect(throws: SystemError.self) { try fs.withFileBytes("relative/path") { _ in 0 } }
    }

    @Test func atomicWriteReplacesExistingFileAndLeavesNoTemporaryFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.child("state.json")
        try fs.writeFileAtomically(path, contents: Array("old".utf8), mode: 0o600, owner: nil)
        try fs.writeFileAtomically(path, contents: Array("new".utf8), mode: 0o644, owner: nil)
        #expect(try fs.readFile(path) == Array("new".utf8))
        #expect(try fs.status(path)?.mode == 0o644)
        #expect(try fs.listDirectory(dir.path) == ["state.json"])
    }

    @Test func atomicWriteReplacesASymbolicLinkInsteadOfFollowingIt() throws {
        let dir = try TemporaryDirectory()
        let victim = dir.child("victim")
        try fs.writeFileAtomically(victim, contents: Array("keep".utf8), mode: 0o600, owner: nil)
        #expect(symlink(victim, dir.child("sudoers")) == 0)
        try fs.writeFileAtomically(dir.child("sudoers"), contents: Array("new".utf8), mode: 0o440, owner: nil)
        #expect(try fs.status(dir.child("sudoers"))?.type == .regular)
        #expect(try fs.readFile(dir.child("sudoers")) == Array("new".utf8))
        #expect(try fs.readFile(victim) == Array("keep".utf8))
        #expect(try fs.status(victim)?.mode == 0o600)
    }

    @Test(.enabled(if: getuid() == 0, "changing owners needs root"))
    func atomicWriteSetsOwner() throws {
        let dir = try TemporaryDirectory()
        let path = dir.child("owned")
        try fs.writeFileAtomically(path, contents: [1, 2, 3], mode: 0o600, owner: FileOwner(uid: 65534, gid: 65534))
        let status = try #require(try fs.status(path))
        #expect(status.owner == FileOwner(uid: 65534, gid: 65534))
        #expect(status.mode == 0o600)
    }

    @Test func atomicWriteIntoMissingDirectoryFailsAndLeavesNothing() throws {
        let dir = try TemporaryDirectory()
        let error = systemError {
            try fs.writeFileAtomically(dir.child("missing/file"), contents: [1], mode: 0o600, owner: nil)
        }
        #expect(error?.kind == .systemCall)
        #expect(error?.errno == ENOENT)
        #expect(try fs.listDirectory(dir.path) == [])
    }

    @Test func failedRenameRemovesTheTemporaryFileAndKeepsTheTarget() throws {
        let dir = try TemporaryDirectory()
        let target = dir.child("target")
        try fs.createDirectory(target, mode: 0o755, owner: nil)
        try fs.writeFileAtomically(target + "/inside", contents: [7], mode: 0o600, owner: nil)
        let error = systemError {
            try fs.writeFileAtomically(target, contents: Array("x".utf8), mode: 0o600, owner: nil)
        }
        #expect(error?.operation == "rename")
        #expect(try fs.listDirectory(dir.path) == ["target"])
        #expect(try fs.status(target)?.type == .directory)
        #expect(try fs.readFile(target + "/inside") == [7])
    }

    @Test func readersSeeTheOldOrTheNewFileNeverAPartialOne() throws {
        let dir = try TemporaryDirectory()
        let path = dir.child("big")
        let old = [UInt8](repeating: UInt8(ascii: "o"), count: 4 << 20)
        let new = [UInt8](repeating: UInt8(ascii: "n"), count: 6 << 20)
        try fs.writeFileAtomically(path, contents: old, mode: 0o644, owner: nil)
        let writing = Atomic(true)
        let reads = Atomic(0)
        let partialReads = Atomic(0)
        let writeErrors = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            if worker == 0 {
                for round in 0..<8 {
                    do {
                        try fs.writeFileAtomically(path, contents: round % 2 == 0 ? new : old, mode: 0o644, owner: nil)
                    } catch {
                        writeErrors.add(1, ordering: .relaxed)
                    }
                }
                writing.store(false, ordering: .releasing)
            } else {
                while writing.load(ordering: .acquiring) || reads.load(ordering: .relaxed) == 0 {
                    let seen = try? fs.readFile(path)
                    if seen != old && seen != new { partialReads.add(1, ordering: .relaxed) }
                    reads.add(1, ordering: .relaxed)
                }
            }
        }
        #expect(writeErrors.load(ordering: .relaxed) == 0)
        #expect(reads.load(ordering: .relaxed) > 0)
        #expect(partialReads.load(ordering: .relaxed) == 0)
        #expect(try fs.readFile(path) == old)
        #expect(try fs.listDirectory(dir.path) == ["big"])
    }

    @Test func missingThingsAreNilOrFine() throws {
        let dir = try TemporaryDirectory()
        #expect(try fs.readFile(dir.child("nothing")) == nil)
        #expect(try fs.readFile(dir.child("nothing/below")) == nil)
        #expect(try fs.status(dir.child("nothing")) == nil)
        try fs.removeFile(dir.child("nothing"))
        #expect(systemError { _ = try fs.listDirectory(dir.child("nothing")) }?.errno == ENOENT)
    }

    @Test func readingSomethingThatIsNotARegularFileIsRefused() throws {
        let dir = try TemporaryDirectory()
        #expect(mkfifo(dir.child("fifo"), 0o600) == 0)
        #expect(systemError { _ = try fs.readFile(dir.child("fifo")) }?.kind == .invalidArgument)
        #expect(systemError { _ = try fs.readFile(dir.path) }?.kind == .invalidArgument)
    }

    @Test func removeFileRemovesAndListIsSorted() throws {
        let dir = try TemporaryDirectory()
        for name in ["b", "a", "c"] {
            try fs.writeFileAtomically(dir.child(name), contents: [], mode: 0o600, owner: nil)
        }
        #expect(try fs.listDirectory(dir.path) == ["a", "b", "c"])
        try fs.removeFile(dir.child("b"))
        #expect(try fs.listDirectory(dir.path) == ["a", "c"])
        #expect(try fs.readFile(dir.child("a")) == [])
    }

    @Test func statusDoesNotFollowSymbolicLinks() throws {
        let dir = try TemporaryDirectory()
        try fs.createDirectory(dir.child("real"), mode: 0o700, owner: nil)
        #expect(symlink(dir.child("real"), dir.child("link")) == 0)
        #expect(try fs.status(dir.child("link"))?.type == .symbolicLink)
        #expect(try fs.status(dir.child("real"))?.type == .directory)
    }

    @Test func statusFollowingLinksSeesTheTargetAndNilForADanglingLink() throws {
        let dir = try TemporaryDirectory()
        try fs.writeFileAtomically(dir.child("program"), contents: [], mode: 0o751, owner: nil)
        #expect(symlink(dir.child("program"), dir.child("link")) == 0)
        #expect(symlink(dir.child("missing"), dir.child("dangling")) == 0)
        #expect(try fs.statusFollowingLinks(dir.child("link"))?.type == .regular)
        #expect(try fs.statusFollowingLinks(dir.child("link"))?.mode == 0o751)
        #expect(try fs.statusFollowingLinks(dir.child("dangling")) == nil)
        #expect(try fs.status(dir.child("dangling"))?.type == .symbolicLink)
    }

    @Test func createDirectoryIsIdempotentAndFixesMode() throws {
        let dir = try TemporaryDirectory()
        let path = dir.child("state")
        try fs.createDirectory(path, mode: 0o750, owner: nil)
        #expect(try fs.status(path)?.mode == 0o750)
        #expect(chmod(path, 0o777) == 0)
        try fs.createDirectory(path, mode: 0o700, owner: nil)
        let status = try #require(try fs.status(path))
        #expect(status.type == .directory)
        #expect(status.mode == 0o700)
    }

    @Test(.enabled(if: getuid() == 0, "changing owners needs root"))
    func createDirectoryFixesOwner() throws {
        let dir = try TemporaryDirectory()
        let path = dir.child("home")
        try fs.createDirectory(path, mode: 0o700, owner: nil)
        try fs.createDirectory(path, mode: 0o700, owner: FileOwner(uid: 65534, gid: 65534))
        #expect(try fs.status(path)?.owner == FileOwner(uid: 65534, gid: 65534))
    }

    @Test func createDirectoryRefusesFilesAndSymbolicLinks() throws {
        let dir = try TemporaryDirectory()
        try fs.writeFileAtomically(dir.child("file"), contents: [1], mode: 0o600, owner: nil)
        try fs.createDirectory(dir.child("real"), mode: 0o755, owner: nil)
        #expect(symlink(dir.child("real"), dir.child("link")) == 0)
        #expect(systemError { try fs.createDirectory(dir.child("file"), mode: 0o700, owner: nil) }?.kind == .systemCall)
        #expect(systemError { try fs.createDirectory(dir.child("link"), mode: 0o700, owner: nil) }?.kind == .systemCall)
        #expect(try fs.status(dir.child("real"))?.mode == 0o755)
        #expect(
            systemError { try fs.createDirectory(dir.child("no/parent"), mode: 0o700, owner: nil) }?.errno == ENOENT)
    }

    @Test(arguments: ["relative/path", "", "./x"])
    func relativePathsAreRejected(path: String) {
        #expect(systemError { _ = try fs.readFile(path) }?.kind == .invalidArgument)
        #expect(
            systemError { try fs.writeFileAtomically(path, contents: [], mode: 0o600, owner: nil) }?.kind
                == .invalidArgument)
        #expect(systemError { try fs.removeFile(path) }?.kind == .invalidArgument)
        #expect(systemError { _ = try fs.listDirectory(path) }?.kind == .invalidArgument)
        #expect(systemError { try fs.createDirectory(path, mode: 0o700, owner: nil) }?.kind == .invalidArgument)
        #expect(systemError { _ = try fs.status(path) }?.kind == .invalidArgument)
    }

    @Test(arguments: [
        ("/a/b", "/a", "b"), ("/a", "/", "a"), ("/a/b/c.txt", "/a/b", "c.txt"), ("/a/", "/a", ""),
    ])
    func splitsPaths(path: String, directory: String, name: String) {
        #expect(PosixFileSystem.split(path) == (directory, name))
    }

    @Test func errorDescriptionNamesOperationPathCauseAndHint() {
        let error = SystemError(.systemCall, operation: "rename", subject: "/etc/x", errno: EACCES, hint: "run as root")
        #expect(error.description == "rename /etc/x failed: Permission denied (run as root)")
    }
}
