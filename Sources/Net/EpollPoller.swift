#if canImport(Glibc)
import Glibc
#endif
import CEpoll

/// `Poller` on Linux epoll, level-triggered.
public final class EpollPoller: Poller {
    private let epollFD: Int32
    private var buffer: [epoll_event]

    public init(capacity: Int = 512) throws {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw SystemError("epoll_create1") }
        buffer = Array(repeating: epoll_event(), count: capacity)
    }

    deinit { Glibc.close(epollFD) }

    private func control(_ operation: Int32, fd: Int32, token: UInt64, interest: Interest) throws {
        var event = epoll_event()
        var mask: UInt32 = 0
        if interest.readable { mask |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue }
        if interest.writable { mask |= EPOLLOUT.rawValue }
        event.events = mask
        event.data.u64 = token
        guard epoll_ctl(epollFD, operation, fd, &event) == 0 else { throw SystemError("epoll_ctl") }
    }

    public func add(fd: Int32, token: UInt64, interest: Interest) throws {
        try control(EPOLL_CTL_ADD, fd: fd, token: token, interest: interest)
    }

    public func modify(fd: Int32, token: UInt64, interest: Interest) throws {
        try control(EPOLL_CTL_MOD, fd: fd, token: token, interest: interest)
    }

    public func remove(fd: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, &event)
    }

    public func wait(timeoutMilliseconds: Int32, into events: inout [PollEvent]) throws {
        let count = buffer.withUnsafeMutableBufferPointer {
            epoll_wait(epollFD, $0.baseAddress, Int32($0.count), timeoutMilliseconds)
        }
        if count < 0 {
            if errno == EINTR { return }
            throw SystemError("epoll_wait")
        }
        for index in 0..<Int(count) {
            let raw = buffer[index]
            let mask = raw.events
            events.append(PollEvent(
                token: raw.data.u64,
                readable: mask & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0,
                writable: mask & EPOLLOUT.rawValue != 0,
                hangup: mask & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0))
        }
    }
}
