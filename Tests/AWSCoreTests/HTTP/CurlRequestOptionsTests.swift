import Testing

@testable import AWSCore

/// The pure part of the libcurl transport: what is derived from a request before any I/O.
@Suite struct CurlRequestOptionsTests {
    @Test(arguments: [
        ("https", ["HTTPS_PROXY": "http://big:1", "https_proxy": "http://small:1"], "http://small:1", ""),
        ("https", ["HTTPS_PROXY": "http://big:1", "https_proxy": ""], "http://big:1", ""),
        ("https", ["HTTP_PROXY": "http://plain:1"], "", ""),
        ("http", ["HTTP_PROXY": "http://plain:1", "HTTPS_PROXY": "http://tls:1"], "http://plain:1", ""),
        ("http", ["http_proxy": "proxy:3128", "NO_PROXY": "a,b", "no_proxy": "c"], "proxy:3128", "c"),
        ("http", ["NO_PROXY": "169.254.169.254,.internal"], "", "169.254.169.254,.internal"),
        ("http", [:], "", ""),
    ])
    func proxySelection(scheme: String, environment: [String: String], proxy: String, noProxy: String) {
        let settings = CurlRequestOptions.proxySettings(forScheme: scheme, environment: environment)
        #expect(settings.proxy == proxy)
        #expect(settings.noProxy == noProxy)
    }

    @Test func transportKeepsOnlyProxySettingsOfItsEnvironment() {
        let transport = CurlTransport(environment: [
            "HTTPS_PROXY": "p:1", "AWS_SECRET_ACCESS_KEY": "secret", "PATH": "/bin",
        ])
        #expect(transport.proxyEnvironment == ["HTTPS_PROXY": "p:1"])
        #expect(transport.maximumResponseBytes == 16 << 20)
    }

    @Test(arguments: [
        ("HTTPS://Example.com:443/x?y#z", "https", "Example.com:443"),
        ("http://user:pw@host:1/x", "http", "host:1"),
        ("http://[::1]:8080", "http", "[::1]:8080"),
        ("http://h?q=1", "http", "h"),
    ])
    func schemeAndHost(url: String, scheme: String, host: String) throws {
        let parsed = try CurlRequestOptions.schemeAndHost(of: url)
        #expect(parsed.scheme == scheme)
        #expect(parsed.host == host)
    }

    @Test(arguments: ["", "localhost/x", "file:///etc/passwd", "ftp://h/x", "http://h/\u{00E9}", "http://h/a\tb"])
    func rejectedURLs(url: String) {
        #expect {
            try CurlRequestOptions.schemeAndHost(of: url)
        } throws: { error in
            guard case .configuration = error as? AWSError else { return false }
            return true
        }
    }

    @Test(arguments: [
        ("GET", true, CurlRequestOptions.MethodMode.withoutBody(customMethod: nil)),
        ("GET", false, .withBody(customMethod: "GET")),
        ("HEAD", true, .head),
        ("POST", true, .withBody(customMethod: nil)),
        ("PUT", true, .withBody(customMethod: "PUT")),
        ("PATCH", false, .withBody(customMethod: "PATCH")),
        ("DELETE", true, .withoutBody(customMethod: "DELETE")),
        ("DELETE", false, .withBody(customMethod: "DELETE")),
    ])
    func methodModes(method: String, bodyIsEmpty: Bool, mode: CurlRequestOptions.MethodMode) throws {
        #expect(try CurlRequestOptions.methodMode(method, bodyIsEmpty: bodyIsEmpty) == mode)
    }

    @Test func headerLinesKeepFieldsAndRemoveLibcurlDefaults() throws {
        let request = HTTPRequest(
            method: "POST", url: "http://h/",
            headers: [
                HTTPField("X-Empty", ""), HTTPField("accept", "application/json"), HTTPField("X-Dup", "1"),
                HTTPField("X-Dup", " 2 "),
            ],
            body: [1])
        #expect(
            try CurlRequestOptions.headerLines(request) == [
                "X-Empty;", "accept: application/json", "X-Dup: 1", "X-Dup:  2 ", "Expect:", "Content-Type:",
            ])
    }

    @Test(arguments: [(1.0, 1000), (0.5, 500), (0.0001, 1), (0.0015, 2), (1e12, Int(Int32.max))])
    func milliseconds(seconds: Double, milliseconds: Int) throws {
        #expect(try CurlRequestOptions.milliseconds(seconds, "total") == milliseconds)
    }

    @Test(arguments: [0, -1, Double.nan, Double.infinity])
    func unusableLimits(seconds: Double) {
        #expect(throws: AWSError.self) { try CurlRequestOptions.milliseconds(seconds, "connect") }
    }

    @Test(arguments: [
        ("http://user:secret@proxy.example:3128", " via proxy proxy.example:3128"),
        ("proxy.example:3128", " via proxy proxy.example:3128"),
        ("socks5h://10.0.0.1:1080/", " via proxy 10.0.0.1:1080"),
        ("", ""),
    ])
    func proxyForMessagesHidesCredentials(proxy: String, shown: String) throws {
        var options = try CurlRequestOptions(
            request: HTTPRequest(method: "GET", url: "http://h/"), timeouts: .api, environment: [:])
        options.proxy = proxy
        #expect(options.proxyForMessages == shown)
    }
}
