import CCurl

/// One libcurl easy handle (`curl_easy_init`), used by a single `send` on a single thread at a time.
///
/// Typed wrappers over the non-variadic shims of Sources/CCurl/shim.h, calling the libcurl that `CurlLibrary`
/// loads at run time; every failing option throws `AWSError.transport`. The handle and its header list are freed
/// in `deinit` (`curl_easy_cleanup`, `curl_slist_free_all`). Between requests it waits in a `CurlHandlePool`,
/// which hands it to one thread at a time (hence `@unchecked Sendable`).
final class CurlHandle: @unchecked Sendable {
    /// The loaded libcurl whose functions this handle calls.
    let library: CurlLibrary
    /// The `CURL *` handle.
    let raw: UnsafeMutableRawPointer
    /// The header list installed with `setHeaders`, freed with the handle.
    private var headerList: UnsafeMutablePointer<curl_slist>?

    /// Creates an easy handle, loading and initialising libcurl for the process first if needed.
    ///
    /// Throws `AWSError.transport` when libcurl.so.4 cannot be loaded or initialised, or has no handle to give.
    init() throws {
        let library = try CurlLibrary.shared()
        guard let raw = ccurl_easy_init(library.api) else {
            throw AWSError.transport(
                detail: "libcurl could not create a handle (curl_easy_init failed; out of memory?)")
        }
        self.library = library
        self.raw = raw
    }

    deinit {
        ccurl_easy_cleanup(library.api, raw)
        if let headerList {
            ccurl_slist_free_all(library.api, headerList)
        }
    }

    /// Sets an option that takes a `long`.
    func set(_ option: CURLoption, _ value: Int) throws {
        try check(ccurl_easy_setopt_long(library.api, raw, option, value), option)
    }

    /// Sets an option that takes a `curl_off_t`.
    func set(_ option: CURLoption, size value: Int64) throws {
        try check(ccurl_easy_setopt_off_t(library.api, raw, option, curl_off_t(value)), option)
    }

    /// Sets an option that takes a string; libcurl keeps its own copy.
    func set(_ option: CURLoption, _ value: String) throws {
        try check(value.withCString { ccurl_easy_setopt_string(library.api, raw, option, $0) }, option)
    }

    /// Sets an option that takes an object pointer; the caller keeps it valid while the handle uses it.
    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws {
        try check(ccurl_easy_setopt_pointer(library.api, raw, option, value), option)
    }

    /// Sets `CURLOPT_WRITEFUNCTION` or `CURLOPT_HEADERFUNCTION`.
    func set(_ option: CURLoption, callback: curl_write_callback) throws {
        try check(ccurl_easy_setopt_write_callback(library.api, raw, option, callback), option)
    }

    /// Installs `lines` (each `Name: value`, `Name;` or `Name:`) as `CURLOPT_HTTPHEADER`.
    func setHeaders(_ lines: [String]) throws {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let extended = line.withCString({ ccurl_slist_append(library.api, list, $0) }) else {
                if let list {
                    ccurl_slist_free_all(library.api, list)
                }
                throw AWSError.transport(detail: "libcurl could not build the request header list (out of memory?)")
            }
            list = extended
        }
        try check(ccurl_easy_setopt_slist(library.api, raw, CURLOPT_HTTPHEADER, list), CURLOPT_HTTPHEADER)
        if let headerList {
            ccurl_slist_free_all(library.api, headerList)
        }
        headerList = list
    }

    /// Forgets every option (`curl_easy_reset`) but keeps the open connections, the DNS cache and the TLS sessions.
    func reset() {
        ccurl_easy_reset(library.api, raw)
        if let headerList {
            ccurl_slist_free_all(library.api, headerList)
            self.headerList = nil
        }
    }

    /// Runs the transfer (`curl_easy_perform`) on the calling thread.
    func perform() -> CURLcode {
        ccurl_easy_perform(library.api, raw)
    }

    /// A `long` value of the finished transfer, for example `CURLINFO_RESPONSE_CODE`; nil when unavailable.
    func info(_ info: CURLINFO) -> Int? {
        var value = 0
        guard ccurl_easy_getinfo_long(library.api, raw, info, &value) == CURLE_OK else { return nil }
        return value
    }

    /// A `curl_off_t` value of the finished transfer, for example `CURLINFO_CONNECT_TIME_T`; nil when unavailable.
    func info(size info: CURLINFO) -> Int64? {
        var value: curl_off_t = 0
        guard ccurl_easy_getinfo_off_t(library.api, raw, info, &value) == CURLE_OK else { return nil }
        return Int64(value)
    }

    /// `curl_easy_strerror` text and the numeric code, for example `Timeout was reached (CURLcode 28)`.
    func describe(_ code: CURLcode) -> String {
        library.describe(code)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws {
        guard code == CURLE_OK else {
            throw AWSError.transport(
                detail: "libcurl rejected option \(option.rawValue): \(describe(code)); "
                    + "the installed libcurl may be too old (7.85 or newer is needed)"
            )
        }
    }
}
