public import AWSCore
import EC2SSHShared

extension KeyCommand {
    /// An HTTP transport that keeps every request inside the key command's deadline.
    ///
    /// Each request's connect and total time limits are cut to the time left; with less than
    /// `minimumRequestSeconds` left, nothing is sent and the request fails with `AWSError.timeout`.
    public struct DeadlineTransport: HTTPTransport {
        /// The transport that sends.
        public let inner: any HTTPTransport
        /// The run's deadline.
        public let deadline: KeyCommand.Deadline
        /// Below this many seconds left, requests are not started.
        public static let minimumRequestSeconds = 0.05

        /// Creates the transport.
        public init(inner: any HTTPTransport, deadline: KeyCommand.Deadline) {
            self.inner = inner
            self.deadline = deadline
        }

        /// Sends `request` with its time limits cut to the time left.
        public func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) throws -> HTTPResponse {
            let remaining = deadline.remaining
            guard remaining >= Self.minimumRequestSeconds else {
                throw AWSError.timeout(
                    detail: "KEY_COMMAND_TIMEOUT: no time left for \(request.method) \(request.url) after "
                        + "\(Int(deadline.elapsed * 1000)) ms")
            }
            let limited = HTTPTimeouts(connect: min(timeouts.connect, remaining), total: min(timeouts.total, remaining))
            return try inner.send(request, timeouts: limited)
        }
    }
}
