#if canImport(Glibc)
import Glibc
#endif
import Net

/// A blocking test client socket (shared by the Net, HTTP and WebSocket tests) with a receive timeout, so a broken server fails a test instead of hanging it.
public final class BlockingSocket {
    public let fd: Int32

    public init(port: Int, timeout: Double = 5, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if let receiveBuffer {
            var size = receiveBuffer
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = try Socket.address(host: "127.0.0.1", port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw SystemError("connect") }
        setTimeout(timeout)
    }

    public func setTimeout(_ seconds: Double) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { Glibc.close(fd) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw SystemError("send") }
            offset += sent
        }
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Up to `count` bytes; empty at end of stream; throws on timeout or error.
    public func receive(max count: Int = 65536) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let received = buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, count, 0) }
        guard received >= 0 else { throw SystemError("recv") }
        return Array(buffer[0..<received])
    }

    /// Exactly `count` bytes.
    public func receive(exactly count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        while result.count < count {
            let chunk = try receive(max: count - result.count)
            guard !chunk.isEmpty else { throw SystemError("recv: end of stream after \(result.count) bytes", errno: 0) }
            result += chunk
        }
        return result
    }

    /// Reads and discards until the peer closes; false if it did not within the timeout.
    public func waitForClose() -> Bool {
        while true {
            guard let chunk = try? receive() else { return false }
            if chunk.isEmpty { return true }
        }
    }
}
