import Testing

@testable import EC2SSHSystem
@testable import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ProcProcessControlTests {
    @Test func ourOwnProcessIsFound() throws {
        let pids = try ProcProcessControl().processes(ofUID: getuid())
        #expect(pids.contains(getpid()))
        #expect(pids == pids.sorted())
    }

    @Test func aUserWithoutProcessesHasNone() throws {
        #expect(try ProcProcessControl().processes(ofUID: 3_999_999_999) == [])
    }

    @Test func scanSkipsVanishedProcessesAndNonProcessEntries() throws {
        let vanished = SystemError(.systemCall, operation: "read", subject: "/proc/30/status", errno: ESRCH)
        let fake = MemoryFileSystem(
            allowing: .list,
            files: [
                "/proc/10/status": "Name:\tbash\nUid:\t2000\t2000\t2000\t2000\nGid:\t1\n",
                "/proc/11/status": "Name:\tsu\nUid:\t0\t2000\t0\t0\n",
                "/proc/12/status": "Name:\tsshd\nUid:\t2000\t0\t0\t0\n",
            ],
            directories: ["/proc", "/proc/10", "/proc/11", "/proc/12", "/proc/20", "/proc/30", "/proc/self", "/proc/0"])
        fake.addFile("/proc/sys", [])
        fake.addFile("/proc/-1", [])
        fake.failReads(of: "/proc/30/status", with: vanished)
        #expect(try fake.listDirectory("/proc") == ["-1", "0", "10", "11", "12", "20", "30", "self", "sys"])
        let control = ProcProcessControl(fileSystem: fake)
        #expect(try control.processes(ofUID: 2000) == [10, 12])
        #expect(try control.processes(ofUID: 0) == [11])
    }

    @Test func otherReadErrorsAreReported() {
        let denied = SystemError(.systemCall, operation: "read", subject: "/proc/10/status", errno: EACCES)
        let fake = MemoryFileSystem(allowing: .list, directories: ["/proc", "/proc/10"])
        fake.failReads(of: "/proc/10/status", with: denied)
        #expect(systemError { _ = try ProcProcessControl(fileSystem: fake).processes(ofUID: 0) } == denied)
    }

    @Test(arguments: [
        ("Name:\tx\nUid:\t1000\t1001\t1002\t1003\n", UInt32?(1000)),
        ("Uid:\t0\t0\t0\t0", 0),
        ("Uid: 42 42 42 42\n", 42),
        ("Name:\tx\nGid:\t5\t5\t5\t5\n", nil),
        ("Uid:\n", nil),
        ("Uid:\tabc\t1\n", nil),
        ("", nil),
    ])
    func realUIDIsTheFirstFieldOfTheUidLine(status: String, expected: UInt32?) {
        #expect(ProcProcessControl.realUID(inStatus: Array(status.utf8)) == expected)
    }

    @Test func signallingWorksAndGoneProcessesAreFine() throws {
        let control = ProcProcessControl()
        try control.signal(getpid(), 0)
        try control.signal(Int32.max, SIGTERM)
        #expect(systemError { try control.signal(0, SIGTERM) }?.kind == .invalidArgument)
        #expect(systemError { try control.signal(-1, SIGTERM) }?.kind == .invalidArgument)
    }
}
