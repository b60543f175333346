import Testing

@testable import EC2SSHShared
@testable import ImportUsers
@testable import TestSupport

@Suite struct ImportExitCodeTests {
    @Test(arguments: [
        (ImportExitCode.ok, Int32(0)), (.internalError, 1), (.configuration, 2), (.aws, 3), (.partial, 4),
        (.lockHeld, 5), (.doNotSync, 6), (.stateMissing, 7),
    ])
    func statuses(code: ImportExitCode, status: Int32) {
        #expect(code.rawValue == status)
        #expect(ImportExitCode.helpText.contains("\(status)  "))
    }

    @Test(arguments: [
        (ImportError.doNotSync(path: "/c"), ImportExitCode.doNotSync),
        (.unusableStateFile(path: "/s", detail: "corrupt"), .configuration),
        (.unsafeStateDirectory(path: "/s", detail: "mode 777"), .configuration),
        (.iamUnreadable(reads: ["ListUsers: AccessDenied"]), .aws),
        (.lockHeld(path: "/l"), .lockHeld),
        (.hostUnreadable(detail: "nss"), .internalError),
        (.stateMissing(path: "/s", markerGroup: "m", members: ["alice"]), .stateMissing),
        (.stateExists(path: "/s"), .configuration),
        (.adoptionNeedsCompleteRead(option: "--rebuild-state", reads: ["GetGroup a: Throttling"]), .partial),
    ])
    func errors(error: ImportError, code: ImportExitCode) {
        #expect(error.exitCode == code)
        #expect(!error.description.isEmpty)
    }
}
