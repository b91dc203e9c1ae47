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

/// One benchmark viewer: completes the handshake, then parses server frames byte by byte with
/// scalar state only (no copies), reading the sender's timestamp at the start of each text message.
final class FanoutViewer: ConnectionDelegate {
    private let stats: ViewerStats
    private var handshakeBuffer: [UInt8] = []
    private var upgraded = false
    // Frame parser state: 0 first byte, 1 length byte, 2 extended length, 3 payload.
    private var state = 0
    private var opcode: UInt8 = 0
    private var extendedBytes = 0
    private var remaining = 0
    private var stamp: UInt64 = 0
    private var inStamp = false
    private var control: [UInt8] = []

    init(stats: ViewerStats) {
        self.stats = stats
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
        var state = self.state, opcode = self.opcode, extendedBytes = self.extendedBytes
        var remaining = self.remaining, stamp = self.stamp, inStamp = self.inStamp
        let count = bytes.count
        while index < count {
            if state == 3 && !inStamp && opcode < 8 && remaining > 0 {
                // Payload after the stamp is not looked at: skip it in one step.
                let skip = min(remaining, count - index)
                index += skip
                remaining -= skip
                if remaining == 0 {
                    frameDone(connection, opcode: opcode, stamp: stamp)
                    state = 0
                }
                continue
            }
            let byte = bytes[index]
            index += 1
            var payloadStarts = false
            switch state {
            case 0:
                opcode = byte & 0x0F
                state = 1
            case 1:
                let short = Int(byte & 0x7F)
                if short < 126 {
                    remaining = short
                    payloadStarts = true
                } else {
                    extendedBytes = short == 126 ? 2 : 8
                    remaining = 0
                    state = 2
                }
            case 2:
                remaining = remaining << 8 | Int(byte)
                extendedBytes -= 1
                payloadStarts = extendedBytes == 0
            default:
                remaining -= 1
                if inStamp {
                    if byte >= 48 && byte <= 57 { stamp = stamp &* 10 &+ UInt64(byte - 48) } else { inStamp = false }
                } else if opcode >= 8 {
                    control.append(byte)
                }
            }
            if payloadStarts {
                state = 3
                stamp = 0
                inStamp = opcode == 1
                control.removeAll(keepingCapacity: true)
            }
            if state == 3 && remaining == 0 {
                frameDone(connection, opcode: opcode, stamp: stamp)
                state = 0
                inStamp = false
            }
        }
        self.state = state
        self.opcode = opcode
        self.extendedBytes = extendedBytes
        self.remaining = remaining
        self.stamp = stamp
        self.inStamp = inStamp
    }

    private func frameDone(_ connection: Connection, opcode: UInt8, stamp: UInt64) {
        switch opcode {
        case 1:
            let now = Monotonic.nanoseconds()
            stats.delivered += 1
            stats.histogram.record(micros: now > stamp ? (now - stamp) / 1000 : 0)
        case 8:
            stats.closedByServer += 1
            connection.close()
        case 9:
            connection.write(WebSocketFrameEncoder.frame(.pong, payload: control, mask: [1, 2, 3, 4]))
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
