#if canImport(Glibc)
import Glibc
#endif

/// What a file descriptor is watched for.
public struct Interest: Equatable, Sendable {
    public var readable: Bool
    public var writable: Bool

    public init(readable: Bool, writable: Bool) {
        self.readable = readable
        self.writable = writable
    }
}

/// One readiness report from a poller; `token` is what was registered with the descriptor.
public struct PollEvent {
    public var token: UInt64
    public var readable: Bool
    public var writable: Bool
    public var hangup: Bool
}

/// The OS readiness API behind an event loop (epoll here; kqueue would be a second conformer).
public protocol Poller: AnyObject {
    func add(fd: Int32, token: UInt64, interest: Interest) throws
    func modify(fd: Int32, token: UInt64, interest: Interest) throws
    func remove(fd: Int32)
    /// Waits up to `timeoutMilliseconds` (-1: forever) and appends the ready events to `events`.
    func wait(timeoutMilliseconds: Int32, into events: inout [PollEvent]) throws
}

/// A system call that failed, with its errno.
public struct SystemError: Error, CustomStringConvertible {
    public let call: String
    public let errno: Int32

    public init(_ call: String, errno: Int32 = Glibc.errno) {
        self.call = call
        self.errno = errno
    }

    public var description: String { "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))" }
}
