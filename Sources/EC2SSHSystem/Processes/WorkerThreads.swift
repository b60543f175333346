import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs blocking work (HTTP requests, a child process) on POSIX threads; FoundationEssentials has no Thread.
///
/// When a thread cannot be created the work runs on the calling thread instead, so nothing is ever lost.
public enum WorkerThreads {
    /// `body(index)` for every index in `0..<count`, on up to `maxThreads` threads at once, in index order.
    public static func map<T: Sendable>(
        _ count: Int, maxThreads: Int, _ body: @escaping @Sendable (Int) -> T
    ) -> [T] {
        guard count > 0 else { return [] }
        let next = Atomic<Int>(0)
        let results = Mutex<[Int: T]>([:])
        let work: @Sendable () -> Void = {
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < count else { return }
                let value = body(index)
                results.withLock { $0[index] = value }
            }
        }
        let helpers = (0..<max(0, min(count, maxThreads) - 1)).map { _ in Background(work) }
        work()
        for helper in helpers {
            helper.join()
        }
        return results.withLock { collected in (0..<count).compactMap { collected[$0] } }
    }

    /// A value computed on its own thread; `join()` waits for it.
    public final class Background<T: Sendable>: Sendable {
        private let slot: Slot<T>
        private let thread: pthread_t?
        private let body: @Sendable () -> T

        /// Starts `body` on a new thread (or, when that fails, runs it at `join()`).
        public init(_ body: @escaping @Sendable () -> T) {
            let slot = Slot<T>()
            self.slot = slot
            self.body = body
            let box = Unmanaged.passRetained(Box { slot.store(body()) })
            var handle = pthread_t()
            let status = pthread_create(
                &handle, nil,
                { raw in
                    guard let raw else { return nil }
                    Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().run()
                    return nil
                }, box.toOpaque())
            if status == 0 {
                thread = handle
            } else {
                box.release()
                thread = nil
            }
        }

        /// Waits for the thread and returns its value.
        public func join() -> T {
            if let thread, slot.claimJoin() {
                pthread_join(thread, nil)
            }
            if let value = slot.value { return value }
            let value = body()
            slot.store(value)
            return value
        }
    }

    /// The result of a `Background` computation, shared with its thread.
    private final class Slot<T: Sendable>: Sendable {
        private let state = Mutex<(value: T?, joined: Bool)>((nil, false))

        var value: T? { state.withLock { $0.value } }

        func store(_ value: T) { state.withLock { $0.value = value } }

        /// True the first time only, so that the thread is joined exactly once.
        func claimJoin() -> Bool {
            state.withLock { current in
                defer { current.joined = true }
                return !current.joined
            }
        }
    }

    /// A closure handed to `pthread_create` through an unmanaged pointer.
    private final class Box: @unchecked Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
