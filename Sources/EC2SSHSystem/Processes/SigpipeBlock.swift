#if canImport(Glibc)
    import Glibc
#endif

/// Blocks `SIGPIPE` on the calling thread while a child's input is written, so that a child which exits
/// without reading makes `write` fail with `EPIPE` instead of killing this process.
///
/// `restore()` discards a `SIGPIPE` that became pending meanwhile (with `sigtimedwait(2)`) and puts the
/// thread's previous mask back with `pthread_sigmask(3)`.
struct SigpipeBlock {
    private var previous = sigset_t()
    private let wasPending: Bool

    /// Blocks `SIGPIPE` on this thread.
    init() {
        var pending = sigset_t()
        sigpending(&pending)
        wasPending = sigismember(&pending, SIGPIPE) == 1
        var block = sigset_t()
        sigemptyset(&block)
        sigaddset(&block, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &block, &previous)
    }

    /// Consumes a `SIGPIPE` raised by our own writes and restores the previous mask.
    func restore() {
        var pending = sigset_t()
        sigpending(&pending)
        if !wasPending && sigismember(&pending, SIGPIPE) == 1 {
            var only = sigset_t()
            sigemptyset(&only)
            sigaddset(&only, SIGPIPE)
            var zero = timespec(tv_sec: 0, tv_nsec: 0)
            while sigtimedwait(&only, nil, &zero) == -1 && errno == EINTR {}
        }
        var previous = previous
        pthread_sigmask(SIG_SETMASK, &previous, nil)
    }
}
