#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM, blocked in every thread so that the main thread can wait for them.
struct TerminationSignals {
    private var set = sigset_t()

    /// Blocks the signals; call before starting threads, which inherit the mask.
    static func block() -> TerminationSignals {
        var signals = TerminationSignals()
        sigemptyset(&signals.set)
        sigaddset(&signals.set, SIGINT)
        sigaddset(&signals.set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals.set, nil)
        return signals
    }

    /// Waits for one of them and returns its number.
    func wait() -> Int32 {
        var received: Int32 = 0
        var copy = set
        sigwait(&copy, &received)
        return received
    }
}
