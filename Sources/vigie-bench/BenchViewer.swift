#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A minimal WebSocket viewer for benchmarks: blocking handshake, then non-blocking reads parsed into
/// text messages; one thread can poll a thousand of them.
final class BenchViewer {
    let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var isClosed = false

    /// Connects to ws://127.0.0.1:PORT/ws and completes the handshake.
    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket: errno \(errno) (raise the open file limit: ulimit -n)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            Glibc.close(fd)
            throw BenchError("connect 127.0.0.1:\(port): errno \(code)")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        try write(Array(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8))
        let deadline = Date(timeIntervalSinceNow: 10)
        while buffer.firstRange(of: [13, 10, 13, 10]) == nil {
            guard Date() < deadline else { throw BenchError("no WebSocket handshake answer") }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&entry, 1, 200)
            guard readHandshake() else { throw BenchError("connection closed during the handshake") }
        }
        let end = buffer.firstRange(of: [13, 10, 13, 10])!
        guard buffer.starts(with: Array("HTTP/1.1 101".utf8)) else { throw BenchError("WebSocket handshake refused") }
        buffer.removeSubrange(..<end.upperBound)
    }

    deinit { if !isClosed { Glibc.close(fd) } }

    /// Reads the bytes of the handshake answer (and anything after it) into `buffer`.
    private func readHandshake() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if count > 0 {
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
    }

    /// Sends one masked text frame.
    func send(_ text: String) throws {
        let payload = Array(text.utf8)
        let mask: [UInt8] = [1, 2, 3, 4]
        var frame: [UInt8] = [0x81]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        }
        frame += mask
        for (index, byte) in payload.enumerated() { frame.append(byte ^ mask[index & 3]) }
        try write(frame)
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { throw BenchError("send: errno \(errno)") }
            offset += sent
        }
    }

    /// Reads what is there without blocking, through `scratch` (a buffer of the reading thread, shared by
    /// the viewers it reads), and hands each complete text message to `body` without copying it when it
    /// arrived whole; answers pings. Returns false once the server closed.
    func receive(scratch: UnsafeMutableRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        while true {
            let count = recv(fd, scratch.baseAddress, scratch.count, Int32(MSG_DONTWAIT))
            if count > 0 {
                let received = UnsafeRawBufferPointer(rebasing: scratch[0..<count])
                if buffer.isEmpty {
                    let used = parseFrames(received, body)
                    if used < count { buffer.append(contentsOf: received[used...]) }
                } else {
                    buffer.append(contentsOf: received)
                    let used = buffer.withUnsafeBytes { parseFrames($0, body) }
                    if used == buffer.count { buffer.removeAll(keepingCapacity: true) } else { buffer.removeSubrange(0..<used) }
                }
                if count < scratch.count { return true }
            } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                return true
            } else {
                isClosed = true
                return false
            }
        }
    }

    /// Decodes the complete frames at the start of `bytes`; returns how many bytes they took.
    private func parseFrames(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) -> Int {
        var start = 0
        while bytes.count - start >= 2 {
            let opcode = bytes[start] & 0x0F
            var length = Int(bytes[start + 1] & 0x7F)
            var header = 2
            if length == 126 {
                guard bytes.count - start >= 4 else { break }
                length = Int(bytes[start + 2]) << 8 | Int(bytes[start + 3])
                header = 4
            } else if length == 127 {
                guard bytes.count - start >= 10 else { break }
                length = (0..<8).reduce(0) { $0 << 8 | Int(bytes[start + 2 + $1]) }
                header = 10
            }
            guard bytes.count - start >= header + length else { break }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[(start + header)..<(start + header + length)])
            start += header + length
            if opcode == 1 { body(payload) }
            if opcode == 9 { try? sendPong(Array(payload)) }
        }
        return start
    }

    private func sendPong(_ payload: [UInt8]) throws {
        var frame: [UInt8] = [0x8A, 0x80 | UInt8(payload.count), 0, 0, 0, 0]
        frame += payload
        try write(frame)
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(fd)
    }
}
