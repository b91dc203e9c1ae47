#if canImport(Glibc)
import Glibc
#endif

/// A listening TCP socket; accepted connections are spread over a group's loops (each connection
/// then lives on its loop for good).
public final class Listener: EventHandler, @unchecked Sendable {
    // @unchecked Sendable: `fd` and `port` are immutable; `acceptLoop`, `group` and `onAccept` are set
    // in `start` before registration and read only on the accept loop afterwards.
    public let fd: Int32
    /// The bound port (useful when asked for port 0).
    public let port: Int
    public let host: String
    private var group: EventLoopGroup?
    private var acceptLoop: EventLoop?
    private var onAccept: (@Sendable (Connection) -> Void)?
    private var closed = false

    /// Binds and listens (SO_REUSEADDR); port 0 picks a free port.
    public init(host: String, port: Int, backlog: Int32 = 4096) throws {
        var address = try Socket.address(host: host, port: port)
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket") }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let error = SystemError("bind \(host):\(port)")
            Glibc.close(fd)
            throw error
        }
        guard listen(fd, backlog) == 0 else {
            let error = SystemError("listen")
            Glibc.close(fd)
            throw error
        }
        self.fd = fd
        self.host = host
        self.port = Socket.localPort(fd)
    }

    /// Accepts on the group's first loop; `onAccept` runs on the loop that owns the new connection,
    /// after the connection is registered (set its delegate there).
    public func start(group: EventLoopGroup, onAccept: @escaping @Sendable (Connection) -> Void) {
        self.group = group
        self.onAccept = onAccept
        let loop = group.loops[0]
        acceptLoop = loop
        loop.execute { [self] in
            do {
                try loop.register(fd: fd, handler: self, interest: Interest(readable: true, writable: false))
            } catch {
                writeLog("event=listen_error error=\"\(error)\"")
            }
        }
    }

    /// Stops accepting and closes the socket; callable from any thread.
    public func close() {
        guard let loop = acceptLoop else {
            Glibc.close(fd)
            return
        }
        loop.execute { [self] in
            guard !closed else { return }
            closed = true
            loop.deregister(fd: fd)
            Glibc.close(fd)
        }
    }

    public func handleEvent(readable: Bool, writable: Bool, hangup: Bool) {
        guard let group, let onAccept else { return }
        for _ in 0..<128 {
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let client = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept(fd, $0, &length)
                }
            }
            if client < 0 {
                if errno == EMFILE || errno == ENFILE {
                    writeLog("event=accept_error error=\"too many open files\"")
                }
                return
            }
            Socket.setNonBlocking(client)
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            Socket.setNoDelay(client)
            let peer = Socket.describe(address)
            let target = group.next()
            target.execute {
                let connection = Connection(fd: client, loop: target, peer: peer)
                do {
                    try connection.start()
                } catch {
                    Glibc.close(client)
                    return
                }
                onAccept(connection)
            }
        }
    }
}

/// One `key=value` line to stderr.
public func writeLog(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { Glibc.write(2, $0, strlen($0)) }
}
