import TestSupport
import Foundation
import HTTP
import Net
import WebSocket

/// One frame as the test client received it.
struct ReceivedFrame: Equatable {
    var fin: Bool
    var opcode: UInt8
    var payload: [UInt8]

    var text: String { String(decoding: payload, as: UTF8.self) }
    var closeCode: UInt16? { payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil }
}

/// A raw WebSocket client over a blocking socket: it can send any frame, valid or not.
final class WSTestClient {
    let socket: BlockingSocket
    private var buffer: [UInt8] = []
    private(set) var handshakeStatus = 0
    private(set) var handshakeHeaders: [String: String] = [:]

    /// Connects and sends the upgrade request; `extraHeaders` replace the defaults of the same name.
    init(port: Int, path: String = "/", headers extraHeaders: [String: String?] = [:], timeout: Double = 5,
         receiveBuffer: Int32? = nil) throws {
        socket = try BlockingSocket(port: port, timeout: timeout, receiveBuffer: receiveBuffer)
        var headers: [String: String?] = ["Host": "127.0.0.1", "Upgrade": "websocket", "Connection": "Upgrade",
                                          "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13"]
        for (name, value) in extraHeaders { headers[name] = value }
        var request = "GET \(path) HTTP/1.1\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            if let value { request += "\(name): \(value)\r\n" }
        }
        try socket.send(request + "\r\n")
        try readHandshake()
    }

    private func readHandshake() throws {
        while true {
            if let end = find([13, 10, 13, 10]) {
                let head = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeSubrange(0..<(end + 4))
                var lines = head.components(separatedBy: "\r\n")
                handshakeStatus = Int(lines.removeFirst().split(separator: " ")[1]) ?? 0
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    handshakeHeaders[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                if handshakeStatus != 101, let length = Int(handshakeHeaders["content-length"] ?? "0") {
                    while buffer.count < length { try fill() }
                    buffer.removeSubrange(0..<length)
                }
                return
            }
            try fill()
        }
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        for index in 0...(buffer.count - pattern.count) where Array(buffer[index..<index + pattern.count]) == pattern {
            return index
        }
        return nil
    }

    private func fill() throws {
        let chunk = try socket.receive()
        if chunk.isEmpty { throw ClientError.closed }
        buffer += chunk
    }

    enum ClientError: Error { case closed }

    // MARK: sending

    /// Sends one frame; by default masked like a browser would.
    func sendFrame(opcode: UInt8, payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv: UInt8 = 0) throws {
        try socket.send(Self.encode(opcode: opcode, payload: payload, fin: fin, masked: masked, rsv: rsv))
    }

    func sendText(_ text: String, fin: Bool = true) throws { try sendFrame(opcode: 1, payload: Array(text.utf8), fin: fin) }

    func sendClose(code: UInt16?, reason: [UInt8] = []) throws {
        let payload = code.map { [UInt8($0 >> 8), UInt8($0 & 0xFF)] + reason } ?? []
        try sendFrame(opcode: 8, payload: payload)
    }

    static func encode(opcode: UInt8, payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv: UInt8 = 0) -> [UInt8] {
        var frame: [UInt8] = [(fin ? 0x80 : 0) | (rsv << 4) | opcode]
        let maskBit: UInt8 = masked ? 0x80 : 0
        if payload.count < 126 {
            frame.append(maskBit | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            frame += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8((UInt64(payload.count) >> UInt64(shift)) & 0xFF)) }
        }
        if masked {
            let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
            frame += key
            frame += payload.enumerated().map { $0.element ^ key[$0.offset & 3] }
        } else {
            frame += payload
        }
        return frame
    }

    // MARK: receiving

    /// The next frame from the server; throws if the connection closes first or on timeout.
    func readFrame() throws -> ReceivedFrame {
        while true {
            if buffer.count >= 2 {
                let first = buffer[0], second = buffer[1]
                precondition(second & 0x80 == 0, "server frames must not be masked")
                var length = Int(second & 0x7F)
                var offset = 2
                if length == 126 {
                    if buffer.count < 4 { try fill(); continue }
                    length = Int(buffer[2]) << 8 | Int(buffer[3])
                    offset = 4
                } else if length == 127 {
                    if buffer.count < 10 { try fill(); continue }
                    length = buffer[2..<10].reduce(0) { $0 << 8 | Int($1) }
                    offset = 10
                }
                if buffer.count >= offset + length {
                    let frame = ReceivedFrame(fin: first & 0x80 != 0, opcode: first & 0x0F,
                                              payload: Array(buffer[offset..<offset + length]))
                    buffer.removeSubrange(0..<offset + length)
                    return frame
                }
            }
            try fill()
        }
    }

    /// Reads until a close frame, skipping data frames; returns its code (nil: no code).
    func readClose() throws -> ReceivedFrame {
        while true {
            let frame = try readFrame()
            if frame.opcode == 8 { return frame }
        }
    }

    /// True when the server closed TCP.
    func serverClosedTCP() -> Bool { socket.waitForClose() }
}

/// A started server with an echo endpoint on "/" and a hub endpoint on "/hub".
final class TestServer {
    let server: HTTPServer
    let hub = Hub()
    private(set) var hubEndpoint: WebSocketEndpoint!
    var port: Int { server.port }

    /// Hub endpoint protocol for the tests: "sub:a,b", "subafter:N:a", "unsub:a", anything else is ignored.
    init(configuration: WebSocketConfiguration = WebSocketConfiguration(), loops: Int = 2,
         hubConfiguration: WebSocketConfiguration? = nil) throws {
        server = HTTPServer(configuration: .init(port: 0, loopCount: loops))
        let echo = WebSocketEndpoint(configuration: configuration,
                                     onText: { connection, text in connection.sendText(text) },
                                     onBinary: { connection, bytes in connection.sendBinary(bytes) })
        let hub = self.hub
        let hubEndpoint = WebSocketEndpoint(configuration: hubConfiguration ?? configuration, onText: { connection, text in
            let parts = text.split(separator: ":").map(String.init)
            switch parts.first {
            case "sub": hub.subscribe(connection, to: parts[1].split(separator: ",").map(String.init)); connection.sendText("ok")
            case "subafter":
                hub.subscribe(connection, to: [parts[2]], after: UInt64(parts[1]))
                connection.sendText("ok")
            case "unsub": hub.unsubscribe(connection, from: [parts[1]]); connection.sendText("ok")
            default: break
            }
        })
        self.hubEndpoint = hubEndpoint
        server.upgrade(path: "/", to: echo)
        server.upgrade(path: "/hub", to: hubEndpoint)
        try server.start()
    }

    deinit { server.stop() }
}
