#if canImport(Glibc)
import TestSupport
import Glibc
#endif
import Testing
import WebSocket

/// Autobahn categories 7 and 9-like limits over real sockets: close handling, message limits, keep-alive.
@Suite struct CloseAndLimitsProtocolTests {
    func expectFailure(_ client: WSTestClient, code: UInt16) throws {
        #expect(try client.readClose().closeCode == code)
        #expect(client.serverClosedTCP())
    }

    @Test(arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999] as [UInt16])
    func validCloseCodesAreEchoedAndTCPClosed(code: UInt16) throws {
        let server = try TestServer()
        let client = try WSTestClient(port: server.port)
        try client.sendClose(code: code, reason: Array("bye".utf8))
        let close = try client.readFrame()
        #expect(close.opcode == 8 && close.closeCode == code)
        #expect(client.serverClosedTCP())
    }

    @Test func emptyCloseIsAnsweredWithAnEmptyClose() throws {
        let server = try TestServer()
        let client = try WSTestClient(port: server.port)
        try client.sendClose(code: nil)
        let close = try client.readFrame()
        #expect(close.opcode == 8 && close.payload.isEmpty)
        #expect(client.serverClosedTCP())
    }

    @Test(arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535] as [UInt16])
    func invalidCloseCodesClose1002(code: UInt16) throws {
        let server = try TestServer()
        let client = try WSTestClient(port: server.port)
        try client.sendClose(code: code)
        try expectFailure(client, code: 1002)
    }

    @Test func oneByteClosePayloadCloses1002() throws {
        let server = try TestServer()
        let client = try WSTestClient(port: server.port)
        try client.sendFrame(opcode: 8, payload: [0x03])
        try expectFailure(client, code: 1002)
    }

    @Test func invalidUTF8CloseReasonCloses1007() throws {
        let server = try TestServer()
        let client = try WSTestClient(port: server.port)
        try client.sendClose(code: 1000, reason: [0xCE, 0xBA, 0xED, 0xA0, 0x80])
        try expectFailure(client, code: 1007)
    }

    @Test func dataAfterCloseIsIgnored() throws {
        let server = try TestServer()
        let client = try WSTestClient(port: server.port)
        try client.socket.send(WSTestClient.encode(opcode: 8, payload: [0x03, 0xE8]) + WSTestClient.encode(opcode: 1, payload: Array("late".utf8)))
        let close = try client.readFrame()
        #expect(close.opcode == 8 && close.closeCode == 1000)
        #expect(client.serverClosedTCP())
    }

    @Test func serverInitiatedCloseWaitsForThePeer() throws {
        let closed = Box<Bool>()
        let server = HTTPTestServerWithCallback(onText: { connection, text in
            if text == "close me" { connection.close(code: 4001, reason: "asked") }
        }, onClose: { _ in closed.set(true) })
        let client = try WSTestClient(port: try server.start())
        try client.sendText("close me")
        let close = try client.readFrame()
        #expect(close.opcode == 8 && close.closeCode == 4001 && close.payload.dropFirst(2) == Array("asked".utf8)[...])
        try client.sendClose(code: 4001)
        #expect(client.serverClosedTCP())
        #expect(closed.wait() == true)
    }

    @Test func messageOverTheLimitCloses1009() throws {
        let server = try TestServer(configuration: WebSocketConfiguration(maxMessageBytes: 1000))
        let client = try WSTestClient(port: server.port)
        try client.sendText(String(repeating: "a", count: 1000))
        #expect(try client.readFrame().payload.count == 1000)
        try client.sendText(String(repeating: "a", count: 1001))
        try expectFailure(client, code: 1009)
    }

    @Test func fragmentsAddingUpOverTheLimitClose1009() throws {
        let server = try TestServer(configuration: WebSocketConfiguration(maxMessageBytes: 1000))
        let client = try WSTestClient(port: server.port)
        try client.sendFrame(opcode: 2, payload: [UInt8](repeating: 0, count: 600), fin: false)
        try client.sendFrame(opcode: 0, payload: [UInt8](repeating: 0, count: 600))
        try expectFailure(client, code: 1009)
    }

    @Test func twoToThe62ndLengthCloses1009PromptlyWithoutPayload() throws {
        let server = try TestServer()
        let client = try WSTestClient(port: server.port)
        // Header only: FIN+binary, MASK+127, length 2^62, mask key; no payload follows.
        try client.socket.send([0x82, 0xFF, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4])
        try expectFailure(client, code: 1009)
    }

    @Test func idleConnectionIsPingedAndDroppedWithoutPong() throws {
        let server = try TestServer(configuration: WebSocketConfiguration(pingInterval: 0.2, pongTimeout: 0.2))
        let client = try WSTestClient(port: server.port)
        let ping = try client.readFrame()
        #expect(ping.opcode == 9)
        #expect(client.serverClosedTCP())
    }

    @Test func answeringPingsKeepsTheConnection() throws {
        let server = try TestServer(configuration: WebSocketConfiguration(pingInterval: 0.15, pongTimeout: 0.3))
        let client = try WSTestClient(port: server.port)
        for _ in 0..<3 {
            let ping = try client.readFrame()
            #expect(ping.opcode == 9)
            try client.sendFrame(opcode: 10, payload: ping.payload)
        }
        try client.sendText("still here")
        var frame = try client.readFrame()
        while frame.opcode == 9 { frame = try client.readFrame() }
        #expect(frame.text == "still here")
    }
}

/// A one-endpoint server with custom callbacks on "/".
final class HTTPTestServerWithCallback {
    let endpoint: WebSocketEndpoint
    private var server: HTTPServerBox?

    init(configuration: WebSocketConfiguration = WebSocketConfiguration(),
         onText: @escaping @Sendable (WebSocketConnection, String) -> Void,
         onClose: @escaping @Sendable (WebSocketConnection) -> Void = { _ in }) {
        endpoint = WebSocketEndpoint(configuration: configuration, onText: onText, onClose: onClose)
    }

    func start() throws -> Int {
        let box = try HTTPServerBox(path: "/", endpoint: endpoint)
        server = box
        return box.server.port
    }
}
