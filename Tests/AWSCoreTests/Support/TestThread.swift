#if canImport(Glibc)
    import Glibc
#endif

/// A POSIX thread running one closure, for tests that need real threads (FoundationEssentials has no Thread).
final class TestThread: Sendable {
    private let thread: pthread_t

    /// The closure and its ownership across `pthread_create`.
    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread.
    init(_ body: @escaping @Sendable () -> Void) throws {
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { raw in
                guard let raw else { return nil }
                Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().body()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            throw TestSupportError(message: "pthread_create failed with \(result)")
        }
        self.thread = thread
    }

    /// Waits for the thread to finish.
    func join() {
        pthread_join(thread, nil)
    }

    /// Runs `body(index)` on `count` threads at once and waits for all of them.
    static func runConcurrently(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) throws {
        let threads = try (0..<count).map { index in try TestThread { body(index) } }
        for thread in threads {
            thread.join()
        }
    }
}

/// A failure of the test support itself (socket, thread), reported with the failing call.
struct TestSupportError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
