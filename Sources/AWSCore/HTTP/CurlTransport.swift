import CCurl

/// The real `HTTPTransport`: one HTTP exchange over the system libcurl per `send`.
///
/// libcurl.so.4 is loaded at run time, on the first `send` (see `CurlLibrary`), not when the process starts; when
/// it cannot be loaded every `send` throws `AWSError.transport` saying which package to install.
///
/// Proxy settings come only from the `environment` given to `init` (`https_proxy`/`HTTPS_PROXY` for https
/// URLs, `http_proxy`/`HTTP_PROXY` for http URLs, `no_proxy`/`NO_PROXY`, lowercase first), never from the
/// process environment. Only http and https are spoken, redirects are not followed, TLS peer and host
/// verification use the system CA store, and the whole response is kept in memory up to
/// `maximumResponseBytes`. Each `send` takes a libcurl easy handle of its own from a pool shared by the copies
/// of this value and gives it back afterwards, so one value can be used from several threads at once and
/// connections are kept alive between requests (one handle per thread sending at once, each with its own
/// connections).
public struct CurlTransport: HTTPTransport {
    /// The default cap on a response body: 16 MiB.
    public static let defaultMaximumResponseBytes = 16 << 20
    /// The default number of idle handles (and so of kept-alive connection sets) a transport keeps.
    public static let defaultIdleHandles = 16

    /// The proxy settings (and only those) taken from the environment given to `init`.
    let proxyEnvironment: [String: String]
    /// The largest response body accepted; a larger one fails the request with `AWSError.transport`.
    public let maximumResponseBytes: Int
    /// The idle handles, shared by every copy of this value.
    let pool: CurlHandlePool

    /// Creates a transport that takes its proxy settings from `environment`.
    ///
    /// Other variables in `environment` are ignored; `maximumResponseBytes` caps every response body; up to
    /// `idleHandles` handles keep their connections open between requests (0: a new connection every time).
    public init(
        environment: [String: String], maximumResponseBytes: Int = Self.defaultMaximumResponseBytes,
        idleHandles: Int = Self.defaultIdleHandles
    ) {
        let proxyNames: Set = ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"]
        self.proxyEnvironment = environment.filter { proxyNames.contains($0.key) }
        self.maximumResponseBytes = max(0, maximumResponseBytes)
        self.pool = CurlHandlePool(capacity: idleHandles)
    }

    /// Sends `request` and returns whatever HTTP response arrived, within `timeouts`.
    ///
    /// Throws `AWSError.configuration` for a request that must not be sent (see `CurlRequestOptions`),
    /// `AWSError.timeout` when a time limit ran out and `AWSError.transport` for any other failure.
    public func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) throws -> HTTPResponse {
        let options = try CurlRequestOptions(request: request, timeouts: timeouts, environment: proxyEnvironment)
        let collector = CurlResponseCollector(maximumBodyBytes: maximumResponseBytes)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }
        let handle = try pool.take()
        defer { pool.giveBack(handle) }  // runs first: the reset drops the error buffer before it is freed

        let code: CURLcode = try withExtendedLifetime(collector) {
            try configure(handle, options, request.body, collector, errorBuffer)
            return handle.perform()
        }
        let curlDetail = String(cString: errorBuffer)
        guard code == CURLE_OK else {
            throw failure(
                code, curlDetail, options, collector, handle,
                connected: (handle.info(size: CURLINFO_CONNECT_TIME_T) ?? 0) > 0)
        }
        guard let status = handle.info(CURLINFO_RESPONSE_CODE), status > 0 else {
            throw AWSError.transport(
                detail: "\(options.method) to \(options.host)\(options.proxyForMessages) ended without an HTTP status"
            )
        }
        return HTTPResponse(status: status, headers: collector.headers, body: collector.body)
    }

    private func configure(
        _ handle: CurlHandle, _ options: CurlRequestOptions, _ body: [UInt8], _ collector: CurlResponseCollector,
        _ errorBuffer: UnsafeMutablePointer<CChar>
    ) throws {
        try handle.set(CURLOPT_NOSIGNAL, 1)
        if handle.library.supportsQuickExit {
            // A time limit that runs out during DNS resolution returns at once instead of waiting for the resolver
            // thread (older libcurl waits; KeyCommand.Watchdog covers that case for the key command).
            try handle.set(CURLOPT_QUICK_EXIT, 1)
        }
        try handle.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        try handle.set(CURLOPT_URL, options.url)
        try handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try handle.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try handle.set(CURLOPT_FOLLOWLOCATION, 0)
        try handle.set(CURLOPT_PATH_AS_IS, 1)
        try handle.set(CURLOPT_PROXY, options.proxy)
        try handle.set(CURLOPT_NOPROXY, options.noProxy)
        try handle.set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        try handle.set(CURLOPT_SSL_VERIFYPEER, 1)
        try handle.set(CURLOPT_SSL_VERIFYHOST, 2)
        try handle.set(CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeoutMilliseconds)
        try handle.set(CURLOPT_TIMEOUT_MS, options.totalTimeoutMilliseconds)
        if maximumResponseBytes > 0 {  // 0 would mean "no limit" to libcurl; the write callback caps anyway
            try handle.set(CURLOPT_MAXFILESIZE_LARGE, size: Int64(maximumResponseBytes))
        }
        try handle.set(CURLOPT_WRITEFUNCTION, callback: CurlResponseCollector.bodyCallback)
        try handle.set(CURLOPT_WRITEDATA, pointer: collector.opaquePointer)
        try handle.set(CURLOPT_HEADERFUNCTION, callback: CurlResponseCollector.headerCallback)
        try handle.set(CURLOPT_HEADERDATA, pointer: collector.opaquePointer)
        try handle.setHeaders(options.headerLines)

        switch options.methodMode {
        case .head:
            try handle.set(CURLOPT_NOBODY, 1)
        case .withoutBody(let customMethod):
            try handle.set(CURLOPT_HTTPGET, 1)
            if let customMethod {
                try handle.set(CURLOPT_CUSTOMREQUEST, customMethod)
            }
        case .withBody(let customMethod):
            try handle.set(CURLOPT_POSTFIELDSIZE_LARGE, size: Int64(body.count))
            // COPYPOSTFIELDS copies the bytes now; it needs a valid pointer even for an empty body.
            let bytes: [UInt8] = body.isEmpty ? [0] : body
            try bytes.withUnsafeBytes { buffer in
                try handle.set(CURLOPT_COPYPOSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: buffer.baseAddress))
            }
            if let customMethod {
                try handle.set(CURLOPT_CUSTOMREQUEST, customMethod)
            }
        }
    }

    private func failure(
        _ code: CURLcode, _ curlDetail: String, _ options: CurlRequestOptions, _ collector: CurlResponseCollector,
        _ handle: CurlHandle, connected: Bool
    ) -> AWSError {
        let target = "\(options.method) to \(options.host)\(options.proxyForMessages)"
        let cause = handle.describe(code) + (curlDetail.isEmpty ? "" : ": \(curlDetail)")
        if code == CURLE_OPERATION_TIMEDOUT {
            let connectLimitRanOut =
                !connected && options.connectTimeoutMilliseconds < options.totalTimeoutMilliseconds
            let limit =
                !connectLimitRanOut
                ? "the total time limit of \(Self.seconds(options.totalTimeoutMilliseconds))"
                : "the connect time limit of \(Self.seconds(options.connectTimeoutMilliseconds)) "
                    + "(total limit \(Self.seconds(options.totalTimeoutMilliseconds)))"
            return .timeout(detail: "\(target) did not complete within \(limit); \(cause)")
        }
        if collector.bodyLimitExceeded || code == CURLE_FILESIZE_EXCEEDED {
            return .transport(
                detail:
                    "\(target): the response body is larger than the limit of \(maximumResponseBytes) bytes; \(cause)"
            )
        }
        if collector.headerLimitExceeded {
            return .transport(
                detail:
                    "\(target): the response headers are larger than \(collector.maximumHeaderBytes) bytes; \(cause)"
            )
        }
        let advice =
            options.proxy.isEmpty
            ? "check that the host is reachable from this machine"
            : "check that the proxy is reachable and the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)"
        return .transport(detail: "\(target) failed: \(cause); \(advice)")
    }

    private static func seconds(_ milliseconds: Int) -> String {
        milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }
}
