#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex with one condition variable: `withLock` for exclusion, `wait`/`broadcast` for hand-off.
final class ConditionLock: @unchecked Sendable {
    // Both pointers are created once and only ever used through pthread calls, which synchronise themselves.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // Waits measure against the monotonic clock, so wall-clock jumps neither shorten nor stretch them.
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Waits (the lock held by the caller) until signalled or `deadline` (monotonic nanoseconds) passes;
    /// false on timeout.
    func wait(untilMonotonic deadline: UInt64) -> Bool {
        var spec = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        return pthread_cond_timedwait(condition, mutex, &spec) == 0
    }

    /// Wakes every waiter; call with the lock held.
    func broadcast() {
        pthread_cond_broadcast(condition)
    }
}
