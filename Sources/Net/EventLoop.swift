#if canImport(Glibc)
import Glibc
#endif
import CEpoll
import Foundation

/// Something registered with an event loop for readiness of one descriptor.
public protocol EventHandler: AnyObject {
    func handleEvent(readable: Bool, writable: Bool, hangup: Bool)
}

/// A single-threaded event loop: epoll readiness, timers, and tasks handed over from other threads.
///
/// Everything except `execute(_:)`, `stop()` and `isCurrent` runs on the loop's own thread
/// (`@unchecked Sendable`: the task queue is guarded by `taskLock`, the rest is loop-confined).
public final class EventLoop: @unchecked Sendable {
    /// A small index to tell loops apart in logs and maps.
    public let index: Int
    private let poller: Poller
    private let wakeFD: Int32
    private let taskLock = NSLock()
    private var tasks: [@Sendable () -> Void] = []
    private var wakePending = false
    private var stopRequested = false

    private var handlers: [EventHandler?] = []
    private var generations: [UInt32] = []
    private var timers = TimerHeap()
    private var timerSequence: UInt64 = 0
    private var flushQueue: [Connection] = []
    private var threadID: pthread_t?
    /// One read buffer shared by every connection of this loop (reads never overlap on one thread).
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
    /// Scatter/gather scratch space for the connections of this loop (flushes never overlap either).
    let ioVectors = UnsafeMutableBufferPointer<iovec>.allocate(capacity: 64)

    public init(index: Int = 0, poller: Poller? = nil) throws {
        self.index = index
        self.poller = try poller ?? EpollPoller()
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeFD >= 0 else { throw SystemError("eventfd") }
        try self.poller.add(fd: wakeFD, token: UInt64(UInt32.max), interest: Interest(readable: true, writable: false))
    }

    deinit {
        Glibc.close(wakeFD)
        readBuffer.deallocate()
        ioVectors.deallocate()
    }

    /// True when called on this loop's thread.
    public var isCurrent: Bool {
        guard let threadID else { return false }
        return pthread_equal(threadID, pthread_self()) != 0
    }

    /// Runs `task` on the loop thread, soon; callable from any thread.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        taskLock.lock()
        tasks.append(task)
        let mustWake = !wakePending
        wakePending = true
        taskLock.unlock()
        if mustWake && !isCurrent {
            var one: UInt64 = 1
            _ = Glibc.write(wakeFD, &one, 8)
        }
    }

    /// Asks the loop to return from `run()` after the current iteration; callable from any thread.
    public func stop() {
        taskLock.lock()
        stopRequested = true
        taskLock.unlock()
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    /// Runs `action` on this loop after `seconds`. Loop thread only.
    @discardableResult
    public func schedule(after seconds: Double, _ action: @escaping () -> Void) -> LoopTimer {
        timerSequence += 1
        let timer = LoopTimer(deadline: Monotonic.nanoseconds() + Monotonic.duration(seconds),
                              sequence: timerSequence, action: action)
        timers.push(timer)
        return timer
    }

    // MARK: descriptors

    /// Starts watching `fd`. Loop thread only.
    public func register(fd: Int32, handler: EventHandler, interest: Interest) throws {
        let slot = Int(fd)
        if slot >= handlers.count {
            let newCount = max(slot + 1, handlers.count * 2, 64)
            handlers.append(contentsOf: Array(repeating: nil, count: newCount - handlers.count))
            generations.append(contentsOf: Array(repeating: 0, count: newCount - generations.count))
        }
        generations[slot] &+= 1
        handlers[slot] = handler
        do {
            try poller.add(fd: fd, token: token(fd), interest: interest)
        } catch {
            handlers[slot] = nil
            throw error
        }
    }

    /// Changes what `fd` is watched for. Loop thread only.
    public func update(fd: Int32, interest: Interest) {
        try? poller.modify(fd: fd, token: token(fd), interest: interest)
    }

    /// Stops watching `fd` (the caller closes it). Loop thread only.
    public func deregister(fd: Int32) {
        poller.remove(fd: fd)
        let slot = Int(fd)
        if slot < handlers.count {
            handlers[slot] = nil
            generations[slot] &+= 1
        }
    }

    private func token(_ fd: Int32) -> UInt64 {
        UInt64(generations[Int(fd)]) << 32 | UInt64(UInt32(bitPattern: fd))
    }

    func scheduleFlush(_ connection: Connection) {
        flushQueue.append(connection)
    }

    // MARK: running

    /// Runs the loop on the calling thread until `stop()`.
    public func run() {
        threadID = pthread_self()
        var events: [PollEvent] = []
        events.reserveCapacity(512)
        while true {
            taskLock.lock()
            let stopping = stopRequested
            taskLock.unlock()
            if stopping { break }

            events.removeAll(keepingCapacity: true)
            do {
                try poller.wait(timeoutMilliseconds: waitTimeout(), into: &events)
            } catch {
                FileHandle.standardError.write("event=loop_error loop=\(index) error=\"\(error)\"\n".data(using: .utf8)!)
                break
            }
            for event in events {
                if event.token == UInt64(UInt32.max) {
                    var value: UInt64 = 0
                    _ = Glibc.read(wakeFD, &value, 8)
                    continue
                }
                let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: event.token))
                let generation = UInt32(truncatingIfNeeded: event.token >> 32)
                let slot = Int(fd)
                guard slot < handlers.count, generations[slot] == generation, let handler = handlers[slot] else { continue }
                handler.handleEvent(readable: event.readable, writable: event.writable, hangup: event.hangup)
            }
            runTasks()
            runTimers()
            flushConnections()
        }
        // The loop owns what is registered on it: finish handed-over work, then close everything.
        runTasks()
        for case let connection as Connection in handlers { connection.close() }
        for (slot, handler) in handlers.enumerated() where handler != nil {
            deregister(fd: Int32(slot))
            Glibc.close(Int32(slot))
        }
        threadID = nil
    }

    private func waitTimeout() -> Int32 {
        taskLock.lock()
        let hasTasks = !tasks.isEmpty
        taskLock.unlock()
        if hasTasks || !flushQueue.isEmpty { return 0 }
        while let first = timers.earliest, first.isCancelled { _ = timers.pop() }
        guard let first = timers.earliest else { return -1 }
        let now = Monotonic.nanoseconds()
        if first.deadline <= now { return 0 }
        return Int32(min((first.deadline - now + 999_999) / 1_000_000, 60_000))
    }

    private func runTasks() {
        taskLock.lock()
        let batch = tasks
        tasks.removeAll(keepingCapacity: true)
        wakePending = false
        taskLock.unlock()
        for task in batch { task() }
    }

    private func runTimers() {
        let now = Monotonic.nanoseconds()
        while let first = timers.earliest, first.deadline <= now {
            _ = timers.pop()
            if let action = first.action {
                first.action = nil
                action()
            }
        }
    }

    private func flushConnections() {
        var rounds = 0
        while !flushQueue.isEmpty && rounds < 4 {
            let batch = flushQueue
            flushQueue.removeAll(keepingCapacity: true)
            for connection in batch { connection.flushScheduled() }
            rounds += 1
        }
    }
}
