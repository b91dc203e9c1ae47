#if canImport(Glibc)
import Glibc
#endif

/// The monotonic clock in nanoseconds, shared by every process on the machine (CLOCK_MONOTONIC).
public enum Monotonic {
    public static func nanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// Seconds (possibly fractional) as nanoseconds, never negative.
    public static func duration(_ seconds: Double) -> UInt64 {
        seconds <= 0 ? 0 : UInt64(seconds * 1_000_000_000)
    }
}
