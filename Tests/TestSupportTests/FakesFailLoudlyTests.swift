import AWSCore
import EC2SSHSystem
import Testing

@testable import TestSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The shared doubles answer what a test set up and fail the test on anything else.
@Suite struct FakesFailLoudlyTests {
    @Test func aClockThatMustNotSleepFailsTheTestWhenAskedTo() {
        let clock = FakeClock()
        withKnownIssue { clock.sleep(seconds: 2) }
        #expect(clock.sleeps == [2])
        #expect(clock.elapsed == 0)
    }

    @Test func aSleepingClockMovesWallAndMonotonicTimeTogether() {
        let clock = FakeClock(sleeping: .advancesTheClock)
        let start = clock.now()
        clock.sleep(seconds: 1.5)
        clock.advance(by: 2)
        #expect(clock.now().timeIntervalSince(start) == 3.5)
        #expect(clock.elapsed == 3.5)
        #expect(clock.sleeps == [1.5])
    }

    @Test func aClockWithoutWallTimeFailsTheTestWhenItIsRead() {
        let clock = FakeClock(now: nil)
        withKnownIssue { _ = clock.now() }
        #expect(clock.monotonicSeconds() == 1_000)
    }

    @Test func aReadOnlyFileSystemFailsTheTestOnAnyChangeListingOrStatus() throws {
        let fileSystem = MemoryFileSystem.readOnly(["/c": "x"])
        #expect(try fileSystem.readFile("/c") == Array("x".utf8))
        #expect(try fileSystem.readFile("/missing") == nil)
        withKnownIssue {
            #expect(throws: SystemError.self) {
                try fileSystem.writeFileAtomically("/c", contents: [], mode: 0o644, owner: nil)
            }
            #expect(throws: SystemError.self) { try fileSystem.removeFile("/c") }
            #expect(throws: SystemError.self) { try fileSystem.createDirectory("/d", mode: 0o755, owner: nil) }
            #expect(throws: SystemError.self) { _ = try fileSystem.listDirectory("/") }
            #expect(throws: SystemError.self) { _ = try fileSystem.status("/c") }
        }
        #expect(fileSystem.changes.isEmpty)
        #expect(fileSystem.reads == ["/c", "/missing"])
    }

    @Test func theFileSystemBehavesLikeTheRealOneWhereTestsRelyOnIt() throws {
        let fileSystem = MemoryFileSystem(runningUID: 990, directories: ["/d"])
        #expect(throws: SystemError.self) {
            try fileSystem.writeFileAtomically("/missing/f", contents: [], mode: 0o600, owner: nil)
        }
        withKnownIssue {
            #expect(throws: SystemError.self) { _ = try fileSystem.listDirectory("/missing") }
        }
        #expect(throws: SystemError.self) { _ = try fileSystem.readFile("/d") }
        try fileSystem.writeFileAtomically("/d/f", contents: [1], mode: 0o600, owner: nil)
        try fileSystem.removeFile("/d/gone")
        #expect(try fileSystem.status("/d/f") == FileStatus(type: .regular, mode: 0o600, uid: 990, gid: 990))
        #expect(try fileSystem.listDirectory("/d") == ["f"])
        #expect(fileSystem.changes == [.write("/d/f")])
        #expect(fileSystem.removals == ["/d/gone"])
        fileSystem.failReads(
            of: "/d/f", with: SystemError(.invalidArgument, operation: "read", subject: "/d/f"))
        #expect(throws: SystemError.self) { _ = try fileSystem.readFile("/d/f") }
    }

    @Test func symbolicLinksAreFollowedByReadsAndStatNeverByStatus() throws {
        let fileSystem = MemoryFileSystem(addingParents: true)
        fileSystem.addFile("/etc/real", "text", mode: 0o755)
        fileSystem.addSymlink("/etc/link", to: "/etc/real")
        fileSystem.addSymlink("/etc/dangling", to: "/etc/missing")
        #expect(fileSystem.node("/etc") == .directory())
        #expect(try fileSystem.readFile("/etc/link") == Array("text".utf8))
        #expect(fileSystem.text("/etc/link") == "text")
        #expect(try fileSystem.status("/etc/link") == FileStatus(type: .symbolicLink, mode: 0o777, uid: 0, gid: 0))
        #expect(
            try fileSystem.statusFollowingLinks("/etc/link") == FileStatus(type: .regular, mode: 0o755, uid: 0, gid: 0))
        #expect(try fileSystem.readFile("/etc/dangling") == nil)
        #expect(try fileSystem.statusFollowingLinks("/etc/dangling") == nil)
        try fileSystem.writeFileAtomically("/etc/link", contents: [1], mode: 0o644, owner: nil)
        #expect(fileSystem.node("/etc/link")?.type == .regular)
        #expect(fileSystem.text("/etc/real") == "text")
    }

    @Test func aLinkWithoutATargetIsNeverFollowedSilently() {
        let fileSystem = MemoryFileSystem(directories: ["/d"])
        fileSystem.addSymlink("/d/link")
        #expect(MemoryFileSystem(files: ["/d/f": ""]).node("/d") == nil)
        #expect(throws: SystemError.self) { _ = try fileSystem.readFile("/d/link") }
        withKnownIssue {
            #expect(throws: SystemError.self) { _ = try fileSystem.statusFollowingLinks("/d/link") }
        }
    }

    @Test func aTransportFailsTheTestOnARequestNobodyQueued() throws {
        let transport = FakeTransport()
        transport.on("GET", "http://127.0.0.1:1/a", body: "first")
        let request = HTTPRequest(method: "GET", url: "http://127.0.0.1:1/a")
        #expect(try transport.send(request, timeouts: .api).body == Array("first".utf8))
        withKnownIssue {
            #expect(throws: AWSError.self) { _ = try transport.send(request, timeouts: .api) }
        }
        #expect(transport.keys == ["GET http://127.0.0.1:1/a", "GET http://127.0.0.1:1/a"])
    }

    @Test func aQueryKeyedTransportTellsPagesApart() throws {
        let transport = FakeTransport(keyedBy: FakeTransport.queryKey)
        transport.on("GetGroup:devs@m2", IAMResponses.throttling)
        let request = HTTPRequest(
            method: "POST", url: "http://127.0.0.1:1/", body: Array("Action=GetGroup&GroupName=devs&Marker=m2".utf8))
        #expect(try transport.send(request, timeouts: .api).status == 400)
        #expect(transport.keys == ["GetGroup:devs@m2"])
    }

    @Test func aScriptedTransportFailsTheTestOnAWrongAction() {
        let transport = ScriptedTransport([.body("ListUsers", "<x/>")])
        let request = HTTPRequest(method: "POST", url: "http://127.0.0.1:1/", body: Array("Action=GetUser".utf8))
        withKnownIssue {
            #expect(throws: AWSError.self) { _ = try transport.send(request, timeouts: .api) }
        }
        #expect(transport.remaining == 0)
    }

    @Test func aRandomSequenceFailsTheTestWhenDrawnPastItsEnd() {
        let random = FixedRandom(sequence: [0.25, 0.75])
        #expect(random.nextUnit() == 0.25)
        #expect(random.nextUnit() == 0.75)
        withKnownIssue { #expect(random.nextUnit() == 0) }
        #expect(FixedRandom(value: 0.5).nextUnit() == 0.5)
    }

    @Test func aRoleAssumerFailsTheTestOnACallNobodyQueued() throws {
        let assumer = FakeRoleAssumer()
        let credentials = Credentials(accessKeyID: "AKID", secretAccessKey: "secret")
        assumer.reply(.success(credentials))
        #expect(try assumer.assumeRole(roleARN: "arn:r", sessionName: "s") == credentials)
        withKnownIssue {
            #expect(throws: AWSError.self) { _ = try assumer.assumeRole(roleARN: "arn:r", sessionName: "t") }
        }
        #expect(assumer.calls == ["arn:r|s", "arn:r|t"])
    }
}
