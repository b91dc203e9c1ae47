#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A raw RFC 6455 client for tests: blocking connect and handshake, masked text frames out, and a frame
/// parser over whatever has arrived, so one thread can poll hundreds of viewers.
final class TestViewer {
    let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var closed = false
    /// Text messages received so far, in order.
    private(set) var texts: [String] = []
    private var consumed = 0

    /// Every message received so far, decoded.
    var messages: [[String: Any]] { texts.map(Self.decode) }

    static func decode(_ text: String) -> [String: Any] {
        ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]) ?? ["type": "unparsable", "text": text]
    }

    /// Connects to ws://127.0.0.1:PORT/PATH and completes the handshake (throws on any refusal).
    init(port: Int, path: String = "/ws", headers: [String] = []) throws {
        fd = try TestSocket.connect(port: port)
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + headers.map { $0 + "\r\n" }.joined() + "\r\n"
        try TestSocket.sendAll(fd, Array(request.utf8))
        let deadline = Date(timeIntervalSinceNow: 10)
        while true {
            if let end = buffer.firstRange(of: [13, 10, 13, 10]) {
                let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                buffer.removeSubrange(..<end.upperBound)
                guard head.hasPrefix("HTTP/1.1 101") else {
                    Glibc.close(fd)
                    throw TestFailure("handshake refused: \(head.split(separator: "\r\n").first ?? "")")
                }
                break
            }
            guard Date() < deadline, try TestSocket.wait(fd, seconds: 1) else {
                if Date() >= deadline { Glibc.close(fd); throw TestFailure("no handshake answer") }
                continue
            }
            guard readAvailable() else { Glibc.close(fd); throw TestFailure("connection closed during the handshake") }
        }
        parseFrames()
    }

    deinit { if !closed { Glibc.close(fd) } }

    /// Sends one masked text frame.
    func send(_ text: String) throws {
        try sendFrame(opcode: 1, payload: Array(text.utf8))
    }

    /// Sends a JSON object.
    func send(json: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: json)
        try send(String(decoding: data, as: UTF8.self))
    }

    func sendFrame(opcode: UInt8, payload: [UInt8]) throws {
        var frame: [UInt8] = [0x80 | opcode]
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8((UInt64(payload.count) >> UInt64(shift)) & 0xFF)) }
        }
        frame += mask
        for (index, byte) in payload.enumerated() { frame.append(byte ^ mask[index & 3]) }
        try TestSocket.sendAll(fd, frame)
    }

    /// Reads what is available without blocking; false once the peer closed.
    @discardableResult
    func readAvailable() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                if count < chunk.count { return true }
            } else if count == 0 {
                closed = true
                return false
            } else {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return true }
                closed = true
                return false
            }
        }
    }

    /// Pumps the socket (reads, parses) once; false when the connection is gone.
    @discardableResult
    func pump() -> Bool {
        let alive = readAvailable()
        parseFrames()
        return alive
    }

    /// Decodes complete frames in the buffer: text becomes messages, pings get pongs.
    func parseFrames() {
        var start = 0
        defer { if start > 0 { buffer.removeSubrange(0..<start) } }
        while buffer.count - start >= 2 {
            let opcode = buffer[start] & 0x0F
            var length = Int(buffer[start + 1] & 0x7F)
            var header = 2
            if length == 126 {
                guard buffer.count - start >= 4 else { return }
                length = Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
                header = 4
            } else if length == 127 {
                guard buffer.count - start >= 10 else { return }
                length = buffer[(start + 2)..<(start + 10)].reduce(0) { $0 << 8 | Int($1) }
                header = 10
            }
            guard buffer.count - start >= header + length else { return }
            let payload = buffer[(start + header)..<(start + header + length)]
            start += header + length
            switch opcode {
            case 1:
                texts.append(String(decoding: payload, as: UTF8.self))
            case 8:
                closeCode = payload.count >= 2 ? UInt16(payload[payload.startIndex]) << 8 | UInt16(payload[payload.startIndex + 1]) : 1005
            case 9:
                try? sendFrame(opcode: 10, payload: Array(payload))
            default:
                break
            }
        }
    }

    /// The close code the server sent, if it closed.
    private(set) var closeCode: UInt16?

    /// The next message's text, waiting up to `timeout` seconds; nil on timeout or close.
    func nextText(timeout: Double = 10) -> String? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while consumed >= texts.count {
            if closed || Date() >= deadline { return nil }
            _ = try? TestSocket.wait(fd, seconds: min(0.2, max(0.001, deadline.timeIntervalSinceNow)))
            pump()
        }
        consumed += 1
        return texts[consumed - 1]
    }

    /// The next message, decoded, waiting up to `timeout` seconds; nil on timeout or close.
    func next(timeout: Double = 10) -> [String: Any]? {
        nextText(timeout: timeout).map(Self.decode)
    }

    /// Takes every message received and not yet taken, without waiting.
    func takeTexts() -> ArraySlice<String> {
        defer { consumed = texts.count }
        return texts[consumed...]
    }

    /// The next message of `type`, skipping others.
    func next(type: String, timeout: Double = 10) -> [String: Any]? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while let message = next(timeout: max(0, deadline.timeIntervalSinceNow)) {
            if message["type"] as? String == type { return message }
        }
        return nil
    }

    /// Sends a close frame and closes the socket.
    func close() {
        guard !closed else { return }
        try? sendFrame(opcode: 8, payload: [0x03, 0xE8])
        closed = true
        Glibc.close(fd)
    }

    /// Drops the TCP connection without a closing handshake (a network cut).
    func abort() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }
}

/// Blocking socket helpers for the test clients.
enum TestSocket {
    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw TestFailure("connect to 127.0.0.1:\(port): errno \(code)")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { throw TestFailure("send: errno \(errno)") }
            offset += sent
        }
    }

    /// Waits until `fd` is readable; false on timeout.
    static func wait(_ fd: Int32, seconds: Double) throws -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let result = poll(&entry, 1, Int32(seconds * 1000))
        return result > 0
    }

    /// Waits until any of `fds` is readable (or `seconds` pass).
    static func waitAny(_ fds: [Int32], seconds: Double) {
        var entries = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        _ = poll(&entries, nfds_t(entries.count), Int32(seconds * 1000))
    }
}

/// A test precondition that did not hold, with what happened.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
