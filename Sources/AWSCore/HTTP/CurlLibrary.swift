import CCurl

/// The system libcurl, loaded at run time with `dlopen` on the first HTTP request instead of at process start.
///
/// Debian's libcurl pulls in some 30 shared libraries whose loading costs several milliseconds and megabytes per
/// process; a key command run answered from its cache never needs them. `api` holds the libcurl functions we use
/// (see Sources/CCurl/shim.h); it is written once, before the value is published, and never changed after, so the
/// value may be shared by every thread.
final class CurlLibrary: @unchecked Sendable {
    /// The shared library loaded in production.
    static let soname = "libcurl.so.4"

    /// The process-wide library, loaded and initialised (`curl_global_init`) exactly once, on first use.
    ///
    /// Swift runs a `static let` initialiser once, thread-safely; a failure is kept and reported by every request.
    private static let process: Result<CurlLibrary, AWSError> = load(soname: soname)

    /// The resolved libcurl functions, valid for the life of the process.
    let api: UnsafePointer<ccurl_api>
    /// The loaded libcurl's version as `0xXXYYZZ` (`curl_version_info`), for example `0x075801` for 7.88.1.
    let versionNumber: UInt32

    /// The first libcurl version with `CURLOPT_QUICK_EXIT`: 7.87.0.
    static let quickExitVersion: UInt32 = 0x07_57_00

    private init(api: UnsafePointer<ccurl_api>) {
        self.api = api
        self.versionNumber = UInt32(ccurl_version_num(api))
    }

    /// Whether this libcurl knows `CURLOPT_QUICK_EXIT`.
    var supportsQuickExit: Bool { Self.supportsQuickExit(versionNumber: versionNumber) }

    /// Whether a libcurl of version `versionNumber` (`0xXXYYZZ`) knows `CURLOPT_QUICK_EXIT` (7.87.0 and newer).
    ///
    /// With it, a request whose time limit runs out while the threaded resolver still waits for DNS returns at
    /// once (the resolver thread is abandoned); without it, libcurl joins that thread first, which can take as long
    /// as the system resolver's own timeouts (`options timeout:N attempts:N` of /etc/resolv.conf).
    static func supportsQuickExit(versionNumber: UInt32) -> Bool {
        versionNumber >= quickExitVersion
    }

    /// The version as text, for example `7.88.1`.
    var version: String {
        "\(versionNumber >> 16).\((versionNumber >> 8) & 0xff).\(versionNumber & 0xff)"
    }

    /// The process-wide libcurl, loading it on the first call; throws `AWSError.transport` when it cannot be used.
    static func shared() throws -> CurlLibrary {
        try process.get()
    }

    /// Loads the library `soname`, resolves the functions we use and runs `curl_global_init`.
    ///
    /// Separate from `shared()` so that tests can check the failure messages with a library that is missing or is
    /// not libcurl; the library stays loaded either way.
    static func load(soname: String) -> Result<CurlLibrary, AWSError> {
        let table = UnsafeMutablePointer<ccurl_api>.allocate(capacity: 1)
        table.initialize(to: ccurl_api())
        if let error = soname.withCString({ ccurl_api_load($0, table) }) {
            let reason = String(cString: error)
            table.deallocate()
            return .failure(
                .transport(
                    detail: "\(soname) could not be loaded: \(reason); "
                        + "install libcurl4 (Debian/Ubuntu) or libcurl (RHEL/Amazon Linux)"))
        }
        let library = CurlLibrary(api: table)
        let initCode = ccurl_global_init_default(table)
        guard initCode == CURLE_OK else {
            return .failure(.transport(detail: "libcurl could not be initialised: \(library.describe(initCode))"))
        }
        return .success(library)
    }

    /// `curl_easy_strerror` text and the numeric code, for example `Timeout was reached (CURLcode 28)`.
    func describe(_ code: CURLcode) -> String {
        let text = ccurl_easy_strerror(api, code).map { String(cString: $0) } ?? "unknown libcurl error"
        return "\(text) (CURLcode \(code.rawValue))"
    }
}
