#if canImport(Glibc)
import Glibc
#endif

/// Monotonic clock readings in nanoseconds.
enum MonotonicClock {
    static var now: UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    static func deadline(afterMilliseconds milliseconds: Int64) -> UInt64 {
        now + UInt64(max(0, milliseconds)) * 1_000_000
    }
}

/// Wall-clock milliseconds since the Unix epoch.
enum WallClock {
    static var milliseconds: Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
