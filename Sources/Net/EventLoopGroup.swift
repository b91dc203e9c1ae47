#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// N event loops, each on its own thread; new connections are spread round-robin.
public final class EventLoopGroup: @unchecked Sendable {
    /// The loops; fixed at init (immutable, so shared freely).
    public let loops: [EventLoop]
    private let lock = NSLock()
    private var nextIndex = 0
    private var finished: [DispatchSemaphore] = []
    private var started = false

    /// Creates `count` loops (default: one per core).
    public init(count: Int = System.coreCount) throws {
        precondition(count >= 1, "an event loop group needs at least one loop")
        loops = try (0..<count).map { try EventLoop(index: $0) }
    }

    /// Starts one thread per loop. Idempotent.
    public func start() {
        lock.lock()
        defer { lock.unlock() }
        guard !started else { return }
        started = true
        for loop in loops {
            let done = DispatchSemaphore(value: 0)
            finished.append(done)
            let thread = Thread {
                loop.run()
                done.signal()
            }
            thread.name = "vigie-loop-\(loop.index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// The loop that gets the next connection.
    public func next() -> EventLoop {
        lock.lock()
        defer { lock.unlock() }
        let loop = loops[nextIndex % loops.count]
        nextIndex += 1
        return loop
    }

    /// Stops every loop and waits for their threads to return.
    public func shutdown() {
        for loop in loops { loop.stop() }
        lock.lock()
        let waits = finished
        finished.removeAll()
        lock.unlock()
        for done in waits { done.wait() }
    }
}

/// Facts about the machine and the process.
public enum System {
    /// Online cores (at least 1).
    public static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Raises the soft open-files limit towards `wanted` (up to the hard limit); returns the new soft limit.
    @discardableResult
    public static func raiseOpenFileLimit(to wanted: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        let target = min(rlim_t(wanted), limit.rlim_max)
        if limit.rlim_cur < target {
            limit.rlim_cur = target
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(limit.rlim_cur)
    }
}
