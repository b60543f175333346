import Synchronization
import Testing

@testable import AWSCore

#if canImport(Glibc)
    import Glibc
#endif

/// The libcurl transport against a scripted server on 127.0.0.1; no other address is ever contacted.
@Suite struct CurlTransportTests {
    /// Generous limits so that a loaded machine does not make the tests flaky.
    let relaxed = HTTPTimeouts(connect: 5, total: 30)
    let transport = CurlTransport(environment: [:])

    /// Starts a server answering every request with `reply`.
    func server(_ reply: ServerReply) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { _ in reply }
    }

    @Test func getRoundTrip() throws {
        let server = try server(
            .respond(
                status: 200,
                headers: [HTTPField("X-Reply", "one"), HTTPField("X-Multi", "a"), HTTPField("X-Multi", "b")],
                body: Array("hello".utf8)))
        defer { server.stop() }
        let headers = [
            HTTPField("X-Amz-Date", "20150830T123600Z"),
            HTTPField("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request"),
            HTTPField("X-Empty", ""),
        ]
        let response = try transport.send(
            HTTPRequest(method: "GET", url: server.baseURL + "/path/a%20b?x=1&y=%2F", headers: headers),
            timeouts: relaxed)

        let received = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(received.method == "GET")
        #expect(received.target == "/path/a%20b?x=1&y=%2F")
        #expect(received.header("Host") == "127.0.0.1:\(server.port)")
        #expect(received.headers.filter { $0.name != "Host" } == headers)
        #expect(received.body.isEmpty)
        #expect(response.status == 200)
        #expect(response.header("x-reply") == "one")
        #expect(response.headers.filter { $0.name == "X-Multi" }.map(\.value) == ["a", "b"])
        #expect(response.header("Content-Length") == "5")
        #expect(response.body == Array("hello".utf8))
    }

    @Test func postRoundTripSendsHeadersAndBodyExactly() throws {
        let server = try server(.respond(status: 200, body: Array("<ok/>".utf8)))
        defer { server.stop() }
        let body = Array("Action=ListUsers&Version=2010-05-08".utf8)
        let headers = [
            HTTPField("Host", "iam.amazonaws.com"),
            HTTPField("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            HTTPField("X-Amz-Security-Token", "token/with+chars="),
        ]
        let response = try transport.send(
            HTTPRequest(method: "POST", url: server.baseURL + "/", headers: headers, body: body), timeouts: relaxed)

        let received = try #require(server.requests.first)
        #expect(received.method == "POST")
        #expect(received.target == "/")
        #expect(received.body == body)
        #expect(received.header("Content-Length") == String(body.count))
        #expect(received.headers.filter { $0.name != "Content-Length" } == headers)
        #expect(response.status == 200)
        #expect(response.body == Array("<ok/>".utf8))
    }

    @Test func addsNoContentTypeAcceptOrExpectOfItsOwn() throws {
        let server = try server(.respond(status: 204))
        defer { server.stop() }
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 2 << 20)  // large enough for libcurl to want Expect
        let response = try transport.send(
            HTTPRequest(method: "POST", url: server.baseURL + "/upload", body: body), timeouts: relaxed)

        let received = try #require(server.requests.first)
        #expect(received.headers.map { $0.name.lowercased() }.sorted() == ["content-length", "host"])
        #expect(received.body == body)
        #expect(response.status == 204)
    }

    @Test(arguments: [400, 403, 404, 429, 500, 503])
    func errorStatusesAreResponses(status: Int) throws {
        let server = try server(.respond(status: status, body: Array("<Error><Code>X</Code></Error>".utf8)))
        defer { server.stop() }
        let response = try transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/"), timeouts: relaxed)
        #expect(response.status == status)
        #expect(response.body == Array("<Error><Code>X</Code></Error>".utf8))
    }

    @Test func largeBodiesBothWays() throws {
        let upload = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let download = (0..<(6 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let server = try server(.respond(status: 200, body: download))
        defer { server.stop() }
        let response = try transport.send(
            HTTPRequest(method: "PUT", url: server.baseURL + "/big", body: upload), timeouts: relaxed)
        #expect(server.requests.first?.body == upload)
        #expect(response.body.count == download.count)
        #expect(response.body == download)
    }

    @Test func binaryBodiesBothWays() throws {
        let bytes = (0..<1024).map { UInt8(truncatingIfNeeded: $0) }  // every byte value, NULs included
        let server = try server(
            .respond(
                status: 200, headers: [HTTPField("Content-Type", "application/octet-stream")], body: bytes.reversed()))
        defer { server.stop() }
        let response = try transport.send(
            HTTPRequest(method: "POST", url: server.baseURL + "/bin", body: bytes), timeouts: relaxed)
        #expect(server.requests.first?.body == bytes)
        #expect(response.body == bytes.reversed())
    }

    @Test func putWithEmptyBody() throws {
        let server = try server(.respond(status: 200, body: Array("TOKEN".utf8)))
        defer { server.stop() }
        let request = HTTPRequest(
            method: "PUT", url: server.baseURL + "/latest/api/token",
            headers: [HTTPField("X-aws-ec2-metadata-token-ttl-seconds", "21600")])
        let response = try transport.send(request, timeouts: .imds)

        let received = try #require(server.requests.first)
        #expect(received.method == "PUT")
        #expect(received.target == "/latest/api/token")
        #expect(received.body.isEmpty)
        #expect(received.header("Content-Length") == "0")
        #expect(received.header("X-aws-ec2-metadata-token-ttl-seconds") == "21600")
        #expect(received.header("Content-Type") == nil)
        #expect(response.body == Array("TOKEN".utf8))
    }

    @Test(arguments: ["DELETE", "HEAD"])
    func methodsWithoutBody(method: String) throws {
        let server = try server(.respond(status: 200))
        defer { server.stop() }
        let response = try transport.send(
            HTTPRequest(method: method, url: server.baseURL + "/thing"), timeouts: relaxed)
        #expect(server.requests.first?.method == method)
        #expect(server.requests.first?.header("Content-Length") == nil)
        #expect(response.status == 200)
    }

    @Test func redirectsAreReturnedNotFollowed() throws {
        let elsewhere = try server(.respond(status: 200))
        defer { elsewhere.stop() }
        let server = try server(.respond(status: 302, headers: [HTTPField("Location", elsewhere.baseURL + "/next")]))
        defer { server.stop() }
        let response = try transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/"), timeouts: relaxed)
        #expect(response.status == 302)
        #expect(response.header("Location") == elsewhere.baseURL + "/next")
        #expect(elsewhere.requests.isEmpty)
    }

    @Test func keepsOnlyTheFinalHeaderBlock() throws {
        let raw =
            "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n"
            + "HTTP/1.1 201 Created\r\nX-Final:  padded value \t\r\nX-Folded: first\r\n  second\r\n"
            + "Content-Length: 2\r\nConnection: close\r\n\r\nok"
        let server = try server(.raw(Array(raw.utf8)))
        defer { server.stop() }
        let response = try transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/"), timeouts: relaxed)
        #expect(response.status == 201)
        #expect(response.header("X-Interim") == nil)
        #expect(response.header("X-Final") == "padded value")
        #expect(response.header("X-Folded") == "first second")
        #expect(response.body == Array("ok".utf8))
    }

    @Test func connectionRefusedIsTransportError() throws {
        let reserved = try LoopbackHTTPServer.refusingPort()
        defer { close(reserved.socket) }
        let error = try #require(throws: AWSError.self) {
            try transport.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(reserved.port)/"), timeouts: relaxed)
        }
        guard case .transport(let detail) = error else {
            Issue.record("expected AWSError.transport, got \(error)")
            return
        }
        #expect(detail.contains("127.0.0.1:\(reserved.port)"))
        #expect(detail.contains("CURLcode 7"))
    }

    /// Issue 10, finding 12: requests reuse the connection of an idle handle (keep-alive) instead of opening one
    /// each.
    @Test func sequentialRequestsReuseOneConnection() throws {
        let server = try LoopbackHTTPServer(keepAlive: true) { _ in .respond(status: 200, body: Array("ok".utf8)) }
        defer { server.stop() }
        for index in 0..<3 {
            let response = try transport.send(
                HTTPRequest(method: "GET", url: server.baseURL + "/r\(index)"), timeouts: relaxed)
            #expect(response.status == 200 && response.body == Array("ok".utf8))
        }
        #expect(server.requests.map(\.target) == ["/r0", "/r1", "/r2"])
        #expect(server.connectionCount == 1)
    }

    @Test func withoutIdleHandlesEachRequestOpensItsOwnConnection() throws {
        let server = try LoopbackHTTPServer(keepAlive: true) { _ in .respond(status: 200) }
        defer { server.stop() }
        let fresh = CurlTransport(environment: [:], idleHandles: 0)
        for _ in 0..<2 {
            _ = try fresh.send(HTTPRequest(method: "GET", url: server.baseURL + "/"), timeouts: relaxed)
        }
        #expect(server.connectionCount == 2)
    }

    /// A reused handle forgets the previous request: method, headers and body are the new request's only.
    @Test func aReusedHandleCarriesNothingOfThePreviousRequest() throws {
        let server = try LoopbackHTTPServer(keepAlive: true) { _ in .respond(status: 200) }
        defer { server.stop() }
        _ = try transport.send(
            HTTPRequest(
                method: "POST", url: server.baseURL + "/first", headers: [HTTPField("X-First", "1")],
                body: Array("a=b".utf8)),
            timeouts: relaxed)
        _ = try transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/second"), timeouts: relaxed)
        let second = try #require(server.requests.last)
        #expect(second.method == "GET" && second.target == "/second")
        #expect(second.header("X-First") == nil && second.header("Content-Length") == nil && second.body.isEmpty)
        #expect(server.connectionCount == 1)
    }

    @Test func serverThatNeverAnswersTimesOut() throws {
        let server = try server(.neverAnswer)
        defer { server.stop() }
        let clock = ContinuousClock()
        let start = clock.now
        let error = try #require(throws: AWSError.self) {
            try transport.send(
                HTTPRequest(method: "GET", url: server.baseURL + "/slow"),
                timeouts: HTTPTimeouts(connect: 5, total: 0.5))
        }
        let elapsed = clock.now - start
        guard case .timeout(let detail) = error else {
            Issue.record("expected AWSError.timeout, got \(error)")
            return
        }
        #expect(detail.contains("127.0.0.1:\(server.port)"))
        #expect(detail.contains("0.5 s"))
        #expect(elapsed >= .milliseconds(450))
        #expect(elapsed < .seconds(3))
        #expect(server.requests.count == 1)
    }

    @Test func responseLargerThanTheCapIsAnError() throws {
        let body = [UInt8](repeating: 0x41, count: 5000)
        let withLength = try server(.respond(status: 200, body: body))
        defer { withLength.stop() }
        let withoutLength = try server(.raw(Array("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".utf8) + body))
        defer { withoutLength.stop() }
        let capped = CurlTransport(environment: [:], maximumResponseBytes: 4096)
        for server in [withLength, withoutLength] {
            let error = try #require(throws: AWSError.self) {
                try capped.send(HTTPRequest(method: "GET", url: server.baseURL + "/"), timeouts: relaxed)
            }
            guard case .transport(let detail) = error else {
                Issue.record("expected AWSError.transport, got \(error)")
                continue
            }
            #expect(detail.contains("larger than the limit of 4096 bytes"))
        }
        let exact = try CurlTransport(environment: [:], maximumResponseBytes: 5000)
            .send(HTTPRequest(method: "GET", url: withoutLength.baseURL + "/"), timeouts: relaxed)
        #expect(exact.body == body)
    }

    @Test(arguments: ["not http at all\r\n\r\n", "HTTP/1.1 banana\r\n\r\n"])
    func garbageResponseIsTransportError(raw: String) throws {
        let server = try server(.raw(Array(raw.utf8)))
        defer { server.stop() }
        let error = try #require(throws: AWSError.self) {
            try transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/"), timeouts: relaxed)
        }
        guard case .transport = error else {
            Issue.record("expected AWSError.transport, got \(error)")
            return
        }
    }

    @Test func httpsToAPlainServerFailsTheHandshake() throws {
        let greeting = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)
        let server = try LoopbackHTTPServer(greeting: greeting) { _ in .neverAnswer }
        defer { server.stop() }
        let error = try #require(throws: AWSError.self) {
            try transport.send(HTTPRequest(method: "GET", url: "https://127.0.0.1:\(server.port)/"), timeouts: relaxed)
        }
        guard case .transport(let detail) = error else {
            Issue.record("expected AWSError.transport, got \(error)")
            return
        }
        #expect(detail.contains("127.0.0.1:\(server.port)"))
    }

    /// URLs that must be refused before any I/O; `PORT` is replaced by the test server's port.
    @Test(arguments: [
        "file:///etc/passwd", "ftp://127.0.0.1:PORT/x", "gopher://127.0.0.1:PORT/x", "dict://127.0.0.1:PORT/x",
        "127.0.0.1:PORT/x", "http://", "http:///path", "http://127.0.0.1:PORT/a b", "http://127.0.0.1:PORT/\r\nX: y",
    ])
    func refusedURLsDoNoIO(url: String) throws {
        let server = try server(.respond(status: 200))
        defer { server.stop() }
        let error = try #require(throws: AWSError.self) {
            try transport.send(
                HTTPRequest(method: "GET", url: url.replacing("PORT", with: String(server.port))), timeouts: relaxed)
        }
        guard case .configuration = error else {
            Issue.record("expected AWSError.configuration, got \(error)")
            return
        }
        try expectNoEarlierConnection(server)
    }

    @Test(arguments: [
        HTTPRequest(method: "GET", url: "URL", headers: [HTTPField("X-Evil", "a\r\nX-Injected: 1")]),
        HTTPRequest(method: "GET", url: "URL", headers: [HTTPField("Bad Name", "v")]),
        HTTPRequest(method: "GET", url: "URL", headers: [HTTPField("", "v")]),
        HTTPRequest(method: "GET /x HTTP/1.1\r\n", url: "URL"),
        HTTPRequest(method: "", url: "URL"),
        HTTPRequest(method: "POST", url: "URL", headers: [HTTPField("Content-Length", "1")], body: [1, 2]),
        HTTPRequest(method: "HEAD", url: "URL", body: [1]),
    ])
    func refusedRequestsDoNoIO(template: HTTPRequest) throws {
        let server = try server(.respond(status: 200))
        defer { server.stop() }
        var request = template
        request.url = server.baseURL + "/"
        let error = try #require(throws: AWSError.self) { try transport.send(request, timeouts: relaxed) }
        guard case .configuration = error else {
            Issue.record("expected AWSError.configuration, got \(error)")
            return
        }
        try expectNoEarlierConnection(server)
    }

    @Test(arguments: [
        HTTPTimeouts(connect: 0, total: 1), HTTPTimeouts(connect: 1, total: -1), HTTPTimeouts(connect: .nan, total: 1),
    ])
    func unusableTimeoutsAreRefused(timeouts: HTTPTimeouts) throws {
        let server = try server(.respond(status: 200))
        defer { server.stop() }
        let error = try #require(throws: AWSError.self) {
            try transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/"), timeouts: timeouts)
        }
        guard case .configuration = error else {
            Issue.record("expected AWSError.configuration, got \(error)")
            return
        }
        try expectNoEarlierConnection(server)
    }

    /// Proves nothing connected to `server` before: one good request afterwards must be its first connection
    /// (the kernel hands out pending connections in order).
    func expectNoEarlierConnection(_ server: LoopbackHTTPServer) throws {
        _ = try transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/probe"), timeouts: relaxed)
        #expect(server.connectionCount == 1)
        #expect(server.requests.map(\.target) == ["/probe"])
    }

    @Test(arguments: ["HTTP_PROXY", "http_proxy"])
    func httpProxyIsHonoured(name: String) throws {
        let proxy = try server(.respond(status: 200, body: Array("from proxy".utf8)))
        defer { proxy.stop() }
        let response = try CurlTransport(environment: [name: proxy.baseURL])
            .send(HTTPRequest(method: "GET", url: "http://127.0.0.2:9/x?y=1"), timeouts: relaxed)
        #expect(proxy.requests.map(\.target) == ["http://127.0.0.2:9/x?y=1"])
        #expect(proxy.requests.first?.header("Host") == "127.0.0.2:9")
        #expect(response.body == Array("from proxy".utf8))
    }

    @Test(arguments: ["HTTPS_PROXY", "https_proxy"])
    func httpsProxyTunnelsWithConnect(name: String) throws {
        let proxy = try server(.respond(status: 403))
        defer { proxy.stop() }
        let error = try #require(throws: AWSError.self) {
            try CurlTransport(environment: [name: proxy.baseURL])
                .send(HTTPRequest(method: "GET", url: "https://127.0.0.2:9/x"), timeouts: relaxed)
        }
        #expect(proxy.requests.map(\.method) == ["CONNECT"])
        #expect(proxy.requests.map(\.target) == ["127.0.0.2:9"])
        guard case .transport(let detail) = error else {
            Issue.record("expected AWSError.transport, got \(error)")
            return
        }
        #expect(detail.contains("via proxy 127.0.0.1:\(proxy.port)"))
    }

    @Test func proxyOfTheOtherSchemeIsNotUsed() throws {
        let proxy = try server(.respond(status: 502))
        defer { proxy.stop() }
        let target = try server(.respond(status: 200))
        defer { target.stop() }
        let response = try CurlTransport(environment: ["HTTPS_PROXY": proxy.baseURL])
            .send(HTTPRequest(method: "GET", url: target.baseURL + "/direct"), timeouts: relaxed)
        #expect(response.status == 200)
        #expect(target.requests.map(\.target) == ["/direct"])
        #expect(proxy.requests.isEmpty)
    }

    @Test(arguments: ["NO_PROXY", "no_proxy"])
    func noProxyBypassesTheProxy(name: String) throws {
        let proxy = try server(.respond(status: 502))
        defer { proxy.stop() }
        let target = try server(.respond(status: 200, body: Array("direct".utf8)))
        defer { target.stop() }
        let transport = CurlTransport(environment: ["HTTP_PROXY": proxy.baseURL, name: "localhost,127.0.0.1"])
        let response = try transport.send(HTTPRequest(method: "GET", url: target.baseURL + "/b"), timeouts: relaxed)
        #expect(response.body == Array("direct".utf8))
        #expect(target.requests.map(\.target) == ["/b"])
        #expect(proxy.requests.isEmpty)
    }

    @Test func concurrentSendsFromSeveralThreads() throws {
        let server = try LoopbackHTTPServer { request in .respond(status: 200, body: Array(request.target.utf8)) }
        defer { server.stop() }
        let transport = self.transport
        let base = server.baseURL
        let timeouts = relaxed
        let mismatches = Mutex<[String]>([])
        try TestThread.runConcurrently(8) { thread in
            for round in 0..<5 {
                let path = "/thread\(thread)/round\(round)"
                do {
                    let response = try transport.send(HTTPRequest(method: "GET", url: base + path), timeouts: timeouts)
                    if response.body != Array(path.utf8) {
                        mismatches.withLock {
                            $0.append("\(path): got \(String(decoding: response.body, as: UTF8.self))")
                        }
                    }
                } catch {
                    mismatches.withLock { $0.append("\(path): \(error)") }
                }
            }
        }
        #expect(mismatches.withLock { $0 } == [])
        #expect(server.requests.count == 40)
        #expect(Set(server.requests.map(\.target)).count == 40)
    }
}
