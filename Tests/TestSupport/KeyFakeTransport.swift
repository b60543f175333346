import AWSCore
import Synchronization
import Testing

/// An HTTP transport that answers from a closure (given the request and its time limits) and records the limits.
final class KeyFakeTransport: HTTPTransport, Sendable {
    private let handler: @Sendable (HTTPRequest, HTTPTimeouts) throws -> HTTPResponse
    private let seen = Mutex<[HTTPTimeouts]>([])

    init(_ handler: @escaping @Sendable (HTTPRequest, HTTPTimeouts) throws -> HTTPResponse) {
        self.handler = handler
    }

    var timeouts: [HTTPTimeouts] { seen.withLock { $0 } }

    func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) throws -> HTTPResponse {
        seen.withLock { $0.append(timeouts) }
        return try handler(request, timeouts)
    }
}
