#if canImport(Glibc)
import Glibc
#endif
import Net
import WebSocket

/// What the viewers of one client loop saw during a cell; touched only on that loop.
final class ViewerStats: @unchecked Sendable {
    // @unchecked Sendable: loop-confined; read by the benchmark through `loop.execute`.
    var handshakes = 0
    var refused = 0
    var delivered = 0
    var closedByServer = 0
    var histogram = LatencyHistogram()
}

/// The upgrade request both kinds of client send.
func upgradeRequest(path: String) -> [UInt8] {
    Array(("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8)
}

/// One benchmark viewer: completes the handshake, then parses server frames without copying
/// payloads, reading the sender's timestamp at the start of each text message.
final class FanoutViewer: ConnectionDelegate {
    private let stats: ViewerStats
    private var handshakeBuffer: [UInt8] = []
    private var upgraded = false
    private var header: [UInt8] = []
    private var remaining = 0
    private var opcode: UInt8 = 0
    private var inPayload = false
    private var captured: [UInt8] = []

    init(stats: ViewerStats) {
        self.stats = stats
        header.reserveCapacity(10)
        captured.reserveCapacity(125)
    }

    func connectionDidRead(_ connection: Connection, bytes: UnsafeRawBufferPointer) {
        var index = 0
        if !upgraded {
            handshakeBuffer.append(contentsOf: bytes)
            guard let end = findHeaderEnd(handshakeBuffer) else { return }
            guard handshakeBuffer.starts(with: Array("HTTP/1.1 101".utf8)) else {
                stats.refused += 1
                connection.close()
                return
            }
            upgraded = true
            stats.handshakes += 1
            index = bytes.count - (handshakeBuffer.count - end)
            handshakeBuffer = []
        }
        while index < bytes.count {
            if inPayload {
                let take = min(remaining, bytes.count - index)
                if captured.count < 125 {
                    let keep = min(take, 125 - captured.count)
                    captured.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<index + keep]))
                }
                index += take
                remaining -= take
                if remaining == 0 { frameDone(connection) }
                continue
            }
            header.append(bytes[index])
            index += 1
            guard header.count >= 2 else { continue }
            let short = Int(header[1] & 0x7F)
            let extra = short == 126 ? 2 : (short == 127 ? 8 : 0)
            guard header.count == 2 + extra else { continue }
            opcode = header[0] & 0x0F
            remaining = extra == 0 ? short : header[2...].reduce(0) { $0 << 8 | Int($1) }
            header.removeAll(keepingCapacity: true)
            captured.removeAll(keepingCapacity: true)
            if remaining == 0 { frameDone(connection) } else { inPayload = true }
        }
    }

    private func frameDone(_ connection: Connection) {
        inPayload = false
        switch opcode {
        case 1:
            var stamp: UInt64 = 0
            for byte in captured {
                guard byte >= 48 && byte <= 57 else { break }
                stamp = stamp &* 10 &+ UInt64(byte - 48)
            }
            let now = Monotonic.nanoseconds()
            stats.delivered += 1
            stats.histogram.record(micros: now > stamp ? (now - stamp) / 1000 : 0)
        case 8:
            stats.closedByServer += 1
            connection.close()
        case 9:
            connection.write(WebSocketFrameEncoder.frame(.pong, payload: captured, mask: [1, 2, 3, 4]))
        default:
            break
        }
    }

    func connectionDidClose(_ connection: Connection) {}
}

/// The sender: one connection that sends stamped text messages at a fixed rate.
final class FanoutSender: ConnectionDelegate {
    private var upgraded = false
    private var buffer: [UInt8] = []
    private(set) var sent = 0
    var onUpgrade: (() -> Void)?

    func connectionDidRead(_ connection: Connection, bytes: UnsafeRawBufferPointer) {
        guard !upgraded else { return }
        buffer.append(contentsOf: bytes)
        if findHeaderEnd(buffer) != nil {
            upgraded = true
            onUpgrade?()
        }
    }

    func connectionDidClose(_ connection: Connection) {}

    /// Sends `rate` messages per second for `seconds`, from a 1 ms timer; calls `done` at the end.
    func start(on connection: Connection, rate: Int, seconds: Double, payloadBytes: Int, done: @escaping (Int) -> Void) {
        let startedAt = Monotonic.nanoseconds()
        let total = Int(Double(rate) * seconds)
        let padding = String(repeating: "p", count: max(0, payloadBytes - 32))
        func tick() {
            let elapsed = Double(Monotonic.nanoseconds() - startedAt) / 1e9
            let due = min(total, Int(elapsed * Double(rate)) + 1)
            while sent < due {
                let text = "\(Monotonic.nanoseconds()) \(sent) \(padding)"
                connection.write(WebSocketFrameEncoder.text(text, mask: [9, 8, 7, 6]))
                sent += 1
            }
            if sent >= total || connection.isClosed { done(sent) } else { connection.loop.schedule(after: 0.001, tick) }
        }
        tick()
    }
}

/// The index just past the blank line ending an HTTP head, if present.
func findHeaderEnd(_ bytes: [UInt8]) -> Int? {
    guard bytes.count >= 4 else { return nil }
    for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
        return index + 4
    }
    return nil
}
