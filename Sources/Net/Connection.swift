#if canImport(Glibc)
import Glibc
#endif

/// Receives what happens on a `Connection`, on the connection's loop thread.
public protocol ConnectionDelegate: AnyObject {
    /// Bytes arrived; they are valid only during the call.
    func connectionDidRead(_ connection: Connection, bytes: UnsafeRawBufferPointer)
    /// The connection is closed (called once); drop references to it.
    func connectionDidClose(_ connection: Connection)
}

/// A non-blocking TCP connection owned by one event loop: buffered reads, queued writes sent with one
/// `sendmsg` (scatter/gather, like `writev`) per loop iteration, and a graceful close that lets the
/// last bytes reach the peer. Use it only on its loop's thread.
public final class Connection: EventHandler {
    private enum State { case open, closingAfterFlush, draining, closed }

    public let fd: Int32
    public let loop: EventLoop
    /// "host:port" of the peer.
    public let peer: String
    public var delegate: ConnectionDelegate?
    /// Bytes queued and not yet accepted by the kernel.
    public private(set) var queuedBytes = 0

    private var state = State.open
    private var queue: [SharedBytes] = []
    private var head = 0
    private var headOffset = 0
    private var flushPending = false
    private var watchingWritable = false
    private var readingPaused = false
    private var peerFinished = false
    private var lingerTimer: LoopTimer?
    private var lingerSeconds = 2.0

    /// Wraps an accepted or connected descriptor; call `start()` to begin reading.
    public init(fd: Int32, loop: EventLoop, peer: String) {
        self.fd = fd
        self.loop = loop
        self.peer = peer
    }

    /// Registers with the loop. Loop thread only.
    public func start() throws {
        try loop.register(fd: fd, handler: self, interest: Interest(readable: true, writable: false))
    }

    public var isOpen: Bool { state == .open }
    public var isClosed: Bool { state == .closed }

    // MARK: writing

    /// Queues `bytes`; they go out at the end of this loop iteration, batched with other writes.
    public func write(_ bytes: SharedBytes) {
        guard state == .open, bytes.count > 0 else { return }
        queue.append(bytes)
        queuedBytes += bytes.count
        if !flushPending {
            flushPending = true
            loop.scheduleFlush(self)
        }
    }

    public func write(_ bytes: [UInt8]) {
        write(SharedBytes(bytes))
    }

    /// Drops queued chunks that have not started going out (a partly sent chunk stays, so framing holds).
    public func discardUnsentWrites() {
        let keep = headOffset > 0 ? head + 1 : head
        guard keep < queue.count else { return }
        for chunk in queue[keep...] { queuedBytes -= chunk.count }
        queue.removeSubrange(keep...)
    }

    func flushScheduled() {
        flushPending = false
        flush()
    }

    private func flush() {
        guard state == .open || state == .closingAfterFlush else { return }
        while head < queue.count {
            let vectors = loop.ioVectors
            let batch = min(queue.count - head, vectors.count)
            for index in 0..<batch {
                let chunk = queue[head + index]
                let skip = index == 0 ? headOffset : 0
                vectors[index] = iovec(iov_base: UnsafeMutableRawPointer(mutating: chunk.base + skip),
                                       iov_len: chunk.count - skip)
            }
            var message = msghdr()
            message.msg_iov = vectors.baseAddress
            message.msg_iovlen = batch
            let sent = sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
            if sent < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { watchWritable(true); return }
                if errno == EINTR { continue }
                close()
                return
            }
            advance(by: sent)
        }
        queue.removeAll(keepingCapacity: queue.capacity <= 256)
        head = 0
        headOffset = 0
        watchWritable(false)
        if state == .closingAfterFlush { beginDraining() }
    }

    private func advance(by count: Int) {
        var remaining = count
        queuedBytes -= count
        while remaining > 0 {
            let left = queue[head].count - headOffset
            if remaining >= left {
                remaining -= left
                head += 1
                headOffset = 0
            } else {
                headOffset += remaining
                remaining = 0
            }
        }
        if head > 64 && head * 2 > queue.count {
            queue.removeSubrange(0..<head)
            head = 0
        }
    }

    private func watchWritable(_ on: Bool) {
        guard on != watchingWritable, state != .closed else { return }
        watchingWritable = on
        updateInterest()
    }

    private func updateInterest() {
        guard state != .closed else { return }
        let readable = !peerFinished && (state != .open || !readingPaused)
        loop.update(fd: fd, interest: Interest(readable: readable, writable: watchingWritable))
    }

    /// Stops or resumes reading (back-pressure while a reply is pending).
    public func setReading(_ on: Bool) {
        guard readingPaused == on, state == .open else { return }
        readingPaused = !on
        updateInterest()
    }

    // MARK: closing

    /// Sends what is queued, half-closes, discards input until the peer closes or `linger` passes,
    /// then closes. Avoids the reset that would destroy the last bytes if unread input remained.
    public func closeAfterFlush(linger: Double = 2) {
        guard state == .open else { return }
        lingerSeconds = linger
        state = .closingAfterFlush
        if head >= queue.count { beginDraining() } else if !flushPending {
            flushPending = true
            loop.scheduleFlush(self)
        }
    }

    private func beginDraining() {
        state = .draining
        shutdown(fd, Int32(SHUT_WR))
        updateInterest()
        lingerTimer = loop.schedule(after: lingerSeconds) { [weak self] in self?.close() }
    }

    /// Closes now; queued bytes are dropped.
    public func close() {
        guard state != .closed else { return }
        state = .closed
        lingerTimer?.cancel()
        lingerTimer = nil
        loop.deregister(fd: fd)
        Glibc.close(fd)
        queue.removeAll()
        queuedBytes = 0
        let delegate = self.delegate
        self.delegate = nil
        delegate?.connectionDidClose(self)
    }

    // MARK: events

    public func handleEvent(readable: Bool, writable: Bool, hangup: Bool) {
        if writable && state != .draining { flush() }
        if readable && state != .closed { readAvailable() }
        if hangup && state != .closed && (state == .draining || readingPaused || peerFinished) { close() }
    }

    private func readAvailable() {
        if state == .open && readingPaused { return }
        let buffer = loop.readBuffer
        let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
        if count > 0 {
            // Input after a close was decided is discarded (draining keeps the peer from getting a reset).
            if state == .open {
                delegate?.connectionDidRead(self, bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            }
        } else if count == 0 {
            switch state {
            case .open where head < queue.count:
                peerFinished = true
                closeAfterFlush(linger: 0)
                updateInterest()
            case .closingAfterFlush:
                peerFinished = true
                updateInterest()
            default:
                close()
            }
        } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
            close()
        }
    }
}
