import CCurl
import Testing

@testable import AWSCore

/// Loading libcurl at run time: the real library and the failure messages for a missing or wrong library.
@Suite struct CurlLibraryTests {
    @Test func sharedLibraryLoadsAndDescribesCodes() throws {
        let library = try CurlLibrary.shared()
        #expect(try CurlLibrary.shared() === library)
        #expect(library.describe(CURLE_OPERATION_TIMEDOUT) == "Timeout was reached (CURLcode 28)")
    }

    @Test func missingLibraryNamesThePackagesToInstall() throws {
        let result = CurlLibrary.load(soname: "libcurl-ec2ssh-test-missing.so.4")
        #expect(throws: AWSError.self) { try result.get() }
        guard case .failure(.transport(let detail)) = result else {
            Issue.record("expected a transport error, got \(result)")
            return
        }
        #expect(detail.hasPrefix("libcurl-ec2ssh-test-missing.so.4 could not be loaded: "))
        #expect(detail.contains("cannot open shared object file"))
        #expect(detail.hasSuffix("; install libcurl4 (Debian/Ubuntu) or libcurl (RHEL/Amazon Linux)"))
    }

    @Test func libraryWithoutCurlFunctionsIsRejected() throws {
        let result = CurlLibrary.load(soname: "libc.so.6")
        guard case .failure(.transport(let detail)) = result else {
            Issue.record("expected a transport error, got \(result)")
            return
        }
        #expect(detail.hasPrefix("libc.so.6 could not be loaded: "))
        #expect(detail.contains("curl_global_init"))
    }

    /// Issue 10, finding 4: CURLOPT_QUICK_EXIT is set only on libcurl 7.87.0 and newer (older ones reject it).
    @Test(arguments: [
        (UInt32(0x07_56_00), false), (0x07_56_ff, false), (0x07_57_00, true), (0x07_58_01, true), (0x08_0e_01, true),
    ])
    func quickExitNeedsLibcurl787(version: UInt32, supported: Bool) {
        #expect(CurlLibrary.supportsQuickExit(versionNumber: version) == supported)
    }

    @Test func theLoadedLibraryReportsItsVersion() throws {
        let library = try CurlLibrary.shared()
        #expect(library.versionNumber >= 0x07_55_00)
        #expect(library.version.split(separator: ".").count == 3)
    }
}
