import Dispatch
import Synchronization
import TestSupport
import Testing

@testable import EC2SSHSystem

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct FileLockTests {
    @Test func secondAcquisitionFailsWithLockHeldUntilReleased() throws {
        let dir = try TemporaryDirectory()
        let path = dir.child("import_users.lock")
        let first = try FileLock.acquire(path: path)
        #expect(first.isHeld)
        let error = systemError { _ = try FileLock.acquire(path: path) }
        #expect(error?.kind == .lockHeld)
        #expect(error?.description.contains("another run is in progress") == true)
        first.release()
        #expect(!first.isHeld)
        let second = try FileLock.acquire(path: path)
        #expect(second.isHeld)
        second.release()
        first.release()
    }

    @Test func droppingTheLockReleasesIt() throws {
        let dir = try TemporaryDirectory()
        let path = dir.child("lock")
        do {
            let held = try FileLock.acquire(path: path)
            #expect(held.isHeld)
        }
        let again = try FileLock.acquire(path: path)
        #expect(again.isHeld)
    }

    @Test func anotherProcessSeesTheLock() throws {
        let dir = try TemporaryDirectory()
        let path = dir.child("lock")
        let probe = Command("/usr/bin/flock", ["--nonblock", "--conflict-exit-code", "75", path, "/bin/true"])
        let runner = PosixProcessRunner()
        let lock = try FileLock.acquire(path: path)
        #expect(try runner.run(probe).termination == .exited(75))
        lock.release()
        #expect(try runner.run(probe).termination == .exited(0))
    }

    @Test func aLockHeldByAnotherProcessMakesUsFailUntilItExits() throws {
        let dir = try TemporaryDirectory()
        let path = dir.child("lock")
        let ready = dir.child("ready")
        let release = dir.child("release")
        #expect(mkfifo(ready, 0o600) == 0)
        #expect(mkfifo(release, 0o600) == 0)
        // flock(1) holds the lock while the shell reports "held" and waits for our go.
        let holder = Command(
            "/usr/bin/flock",
            ["--nonblock", path, "/bin/sh", "-c", "echo held > \"$1\"; read line < \"$2\"", "sh", ready, release],
            timeout: 20)
        let outcome = Mutex<Result<ProcessResult, any Error>?>(nil)
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            let result = Result { try PosixProcessRunner().run(holder) }
            outcome.withLock { $0 = result }
        }
        let readyFD = open(ready, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        #expect(readyFD >= 0)
        var wait = [pollfd(fd: readyFD, events: Int16(POLLIN), revents: 0)]
        #expect(poll(&wait, 1, 15_000) == 1)
        var byte: UInt8 = 0
        #expect(read(readyFD, &byte, 1) == 1)
        close(readyFD)

        #expect(systemError { _ = try FileLock.acquire(path: path) }?.kind == .lockHeld)

        let releaseFD = open(release, O_WRONLY | O_CLOEXEC)
        #expect(write(releaseFD, "go\n", 3) == 3)
        close(releaseFD)
        group.wait()
        #expect(try outcome.withLock { try $0?.get() }?.termination == .exited(0))
        let lock = try FileLock.acquire(path: path)
        #expect(lock.isHeld)
    }

    @Test func lockFileIsCreatedPrivate() throws {
        let dir = try TemporaryDirectory()
        let path = dir.child("lock")
        let lock = try FileLock.acquire(path: path)
        #expect(try PosixFileSystem().status(path)?.mode == 0o600)
        lock.release()
    }

    @Test func badPathsAreReported() throws {
        let dir = try TemporaryDirectory()
        #expect(systemError { _ = try FileLock.acquire(path: "relative.lock") }?.kind == .invalidArgument)
        let missing = systemError { _ = try FileLock.acquire(path: dir.child("missing/lock")) }
        #expect(missing?.kind == .systemCall)
        #expect(missing?.errno == ENOENT)
        #expect(symlink(dir.child("elsewhere"), dir.child("link")) == 0)
        #expect(systemError { _ = try FileLock.acquire(path: dir.child("link")) }?.errno == ELOOP)
        #expect(try PosixFileSystem().status(dir.child("elsewhere")) == nil)
    }
}
