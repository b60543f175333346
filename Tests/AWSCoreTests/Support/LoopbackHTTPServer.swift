import Synchronization

@testable import AWSCore

#if canImport(Glibc)
    import Glibc
#endif

/// One request as the test server read it off the wire.
struct RecordedRequest: Sendable, Equatable {
    /// The method of the request line, for example `GET` or `CONNECT`.
    var method: String
    /// The request target exactly as sent: `/path?query`, an absolute URL (proxy form) or `host:port`.
    var target: String
    /// The header fields in order, values trimmed.
    var headers: [HTTPField]
    /// The body (as long as Content-Length said).
    var body: [UInt8]

    /// The value of the first header named `name` (case-insensitive), if any.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// What the test server does with a request.
enum ServerReply: Sendable {
    /// Answers with this status, these headers plus Content-Length and `Connection: close`, and this body.
    case respond(status: Int, headers: [HTTPField] = [], body: [UInt8] = [])
    /// Writes these bytes as they are, then closes the connection.
    case raw([UInt8])
    /// Never answers: keeps the connection open until the client leaves or the server stops.
    case neverAnswer
}

/// A tiny HTTP/1.1 server on 127.0.0.1 and an ephemeral port, serving one connection at a time on its own thread.
///
/// Each connection carries one request (with `keepAlive`: requests until the client closes it, each answered
/// without `Connection: close`): it is recorded, then answered with what `handler` returns. Call
/// `stop()` at the end of a test; it wakes the server thread through a pipe and joins it (no sleeps).
final class LoopbackHTTPServer: Sendable {
    /// The port the server listens on.
    let port: UInt16
    private let core: Core
    private let wakeWriteFD: Int32
    private let thread: TestThread
    private let stopped = Mutex(false)

    /// Starts a server that answers every request with `handler(request)`.
    ///
    /// A non-empty `greeting` is written as soon as a connection is accepted, before the request is read
    /// (for clients that wait for the server, for example a TLS handshake against plain HTTP).
    init(
        greeting: [UInt8] = [], keepAlive: Bool = false,
        handler: @escaping @Sendable (RecordedRequest) -> ServerReply
    ) throws {
        let listenFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listenFD >= 0 else { throw TestSupportError(message: "socket failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(listenFD, socketAddress, length) == 0 && listen(listenFD, 64) == 0
                    && getsockname(listenFD, socketAddress, &length) == 0
            }
        }
        var pipeFDs: [Int32] = [-1, -1]
        guard bound, pipe(&pipeFDs) == 0 else {
            close(listenFD)
            throw TestSupportError(message: "bind/listen/pipe on 127.0.0.1 failed: errno \(errno)")
        }
        for fd in pipeFDs {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        port = UInt16(bigEndian: address.sin_port)
        wakeWriteFD = pipeFDs[1]
        let core = Core(
            listenFD: listenFD, wakeFD: pipeFDs[0], greeting: greeting, keepAlive: keepAlive, handler: handler)
        self.core = core
        thread = try TestThread { core.run() }
    }

    deinit {
        stop()
    }

    /// `http://127.0.0.1:PORT`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The requests received so far, in order.
    var requests: [RecordedRequest] { core.state.withLock { $0.requests } }

    /// How many connections were accepted so far.
    var connectionCount: Int { core.state.withLock { $0.connections } }

    /// Stops the server thread and closes its sockets; safe to call more than once.
    func stop() {
        let alreadyStopped = stopped.withLock { value in
            defer { value = true }
            return value
        }
        guard !alreadyStopped else { return }
        var byte: UInt8 = 1
        _ = write(wakeWriteFD, &byte, 1)
        thread.join()
        close(wakeWriteFD)
        close(core.wakeFD)
        close(core.listenFD)
    }

    /// A port on 127.0.0.1 that is bound but not listening, so connecting is refused; close the socket after use.
    static func refusingPort() throws -> (socket: Int32, port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw TestSupportError(message: "could not reserve a port: errno \(errno)") }
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    /// The server loop and its state, shared by the test thread and the server thread.
    private final class Core: Sendable {
        struct State {
            var requests: [RecordedRequest] = []
            var connections = 0
        }

        let listenFD: Int32
        let wakeFD: Int32
        let greeting: [UInt8]
        let keepAlive: Bool
        let handler: @Sendable (RecordedRequest) -> ServerReply
        let state = Mutex(State())

        init(
            listenFD: Int32, wakeFD: Int32, greeting: [UInt8], keepAlive: Bool,
            handler: @escaping @Sendable (RecordedRequest) -> ServerReply
        ) {
            self.listenFD = listenFD
            self.wakeFD = wakeFD
            self.greeting = greeting
            self.keepAlive = keepAlive
            self.handler = handler
        }

        func run() {
            while waitReadable(listenFD) {
                let connection = accept(listenFD, nil, nil)
                guard connection >= 0 else { continue }
                _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
                state.withLock { $0.connections += 1 }
                serve(connection)
                close(connection)
            }
        }

        /// Waits until `fd` is readable (true) or the server is told to stop (false).
        private func waitReadable(_ fd: Int32) -> Bool {
            var fds = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0),
            ]
            while true {
                let ready = poll(&fds, 2, -1)
                if ready < 0 && errno == EINTR { continue }
                return ready > 0 && fds[1].revents == 0
            }
        }

        private func serve(_ connection: Int32) {
            if !greeting.isEmpty {
                writeAll(connection, greeting)
            }
            while let request = readRequest(connection) {
                state.withLock { $0.requests.append(request) }
                guard answer(request, on: connection), keepAlive else { return }
            }
        }

        /// Answers `request`; true when the connection may carry another request.
        private func answer(_ request: RecordedRequest, on connection: Int32) -> Bool {
            switch handler(request) {
            case .respond(let status, let headers, let body):
                var head = "HTTP/1.1 \(status) Scripted\r\n"
                for field in headers {
                    head += "\(field.name): \(field.value)\r\n"
                }
                if !headers.contains(where: { $0.name.lowercased() == "content-length" }) {
                    head += "Content-Length: \(body.count)\r\n"
                }
                head += keepAlive ? "\r\n" : "Connection: close\r\n\r\n"
                writeAll(connection, Array(head.utf8) + body)
                return true
            case .raw(let bytes):
                writeAll(connection, bytes)
                return false
            case .neverAnswer:
                var scratch = [UInt8](repeating: 0, count: 4096)
                while waitReadable(connection), recv(connection, &scratch, scratch.count, 0) > 0 {}
                return false
            }
        }

        /// Reads one request: head up to the blank line, then Content-Length bytes of body.
        private func readRequest(_ connection: Int32) -> RecordedRequest? {
            var buffer: [UInt8] = []
            let separator: [UInt8] = Array("\r\n\r\n".utf8)
            var headEnd: Int?
            while headEnd == nil {
                guard receive(connection, into: &buffer) else { return nil }
                headEnd = buffer.firstRange(of: separator)?.upperBound
            }
            guard let headEnd else { return nil }
            let head = String(decoding: buffer[..<(headEnd - 4)], as: UTF8.self)
            var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
            let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
            guard requestLine.count == 3 else { return nil }
            let headers = lines.compactMap { line -> HTTPField? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
                return HTTPField(String(line[..<colon]), String(value))
            }
            var request = RecordedRequest(
                method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: [])
            let length = request.header("Content-Length").flatMap { Int($0) } ?? 0
            while buffer.count - headEnd < length {
                guard receive(connection, into: &buffer) else { return nil }
            }
            request.body = Array(buffer[headEnd..<(headEnd + length)])
            return request
        }

        /// Appends what `connection` has to `buffer`; false at end of stream, on error or when stopping.
        private func receive(_ connection: Int32, into buffer: inout [UInt8]) -> Bool {
            var chunk = [UInt8](repeating: 0, count: 65536)
            guard waitReadable(connection) else { return false }
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[..<count])
            return true
        }

        private func writeAll(_ connection: Int32, _ bytes: [UInt8]) {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes {
                    send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
