import Synchronization

/// Idle libcurl easy handles kept between requests, so that their open connections are reused (keep-alive).
///
/// libcurl keeps a connection cache per easy handle: sending every request on a new handle opens a new TCP (and
/// TLS) connection each time. `CurlTransport` takes a handle here for one `send` and gives it back afterwards, so a
/// handle is only ever used by one thread at a time, and up to `capacity` handles (one per thread sending at once)
/// keep their connections open. A handle that is given back is reset at once (`curl_easy_reset`), which keeps its
/// connections but forgets every option, so no option points at memory of the finished request.
final class CurlHandlePool: Sendable {
    /// How many idle handles are kept at most; more are freed when given back.
    let capacity: Int
    private let idle = Mutex<[CurlHandle]>([])

    /// Creates an empty pool keeping up to `capacity` idle handles.
    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// The number of idle handles.
    var idleCount: Int { idle.withLock { $0.count } }

    /// An idle handle (most recently used first) or a new one; throws `AWSError.transport` when libcurl cannot
    /// give one.
    func take() throws -> CurlHandle {
        if let handle = idle.withLock({ $0.popLast() }) { return handle }
        return try CurlHandle()
    }

    /// Resets `handle` and keeps it for the next request; beyond `capacity` idle handles it is freed (with its
    /// last reference: `curl_easy_cleanup`).
    func giveBack(_ handle: CurlHandle) {
        handle.reset()
        idle.withLock { handles in
            if handles.count < capacity { handles.append(handle) }
        }
    }
}
