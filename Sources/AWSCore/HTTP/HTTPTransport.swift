/// One HTTP header field, kept in the order it was added (names may repeat).
public struct HTTPField: Sendable, Equatable, Hashable {
    /// The field name as given; comparisons elsewhere are case-insensitive.
    public var name: String
    /// The field value as given (not trimmed).
    public var value: String

    /// Creates a header field.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An HTTP request as it will be sent on the wire.
public struct HTTPRequest: Sendable, Equatable {
    /// The method, for example `GET`, `POST`, `PUT`.
    public var method: String
    /// The absolute `http://` or `https://` URL, path and query already percent-encoded as they are sent.
    public var url: String
    /// Header fields in order.
    public var headers: [HTTPField]
    /// The request body (empty for none).
    public var body: [UInt8]

    /// Creates a request.
    public init(method: String, url: String, headers: [HTTPField] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The value of the first header named `name` (case-insensitive), if any.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// An HTTP response: status, header fields and the whole body.
public struct HTTPResponse: Sendable, Equatable {
    /// The HTTP status code, for example 200.
    public var status: Int
    /// Header fields in order.
    public var headers: [HTTPField]
    /// The response body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [HTTPField] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header named `name` (case-insensitive), if any.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// Time limits for one HTTP exchange.
public struct HTTPTimeouts: Sendable, Equatable {
    /// Limit for establishing the connection (TCP and TLS), in seconds.
    public var connect: Double
    /// Limit for the whole exchange, connection included, in seconds.
    public var total: Double

    /// Creates timeouts in seconds.
    public init(connect: Double, total: Double) {
        self.connect = connect
        self.total = total
    }

    /// Defaults for AWS API calls: 3 s to connect, 10 s in all.
    public static let api = HTTPTimeouts(connect: 3, total: 10)
    /// Defaults for the instance metadata service: 1 s to connect, 1 s in all.
    public static let imds = HTTPTimeouts(connect: 1, total: 1)
}

/// Sends one HTTP request and returns the response; the only way AWSCore touches the network.
///
/// Implementations throw only `AWSError.transport` or `AWSError.timeout`, when no HTTP response arrived.
/// Any HTTP status, including 4xx and 5xx, is a response, not an error.
public protocol HTTPTransport: Sendable {
    /// Sends `request`, waiting at most `timeouts`.
    func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) throws -> HTTPResponse
}
