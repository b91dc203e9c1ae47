import Testing
import WebSocket

/// Autobahn categories 1-4 over real sockets: framing, pings/pongs, reserved bits, opcodes.
@Suite struct FramingProtocolTests {
    let server: TestServer

    init() throws {
        server = try TestServer()
    }

    /// Connects to the echo endpoint and checks the 101.
    func connect() throws -> WSTestClient {
        let client = try WSTestClient(port: server.port)
        #expect(client.handshakeStatus == 101)
        #expect(client.handshakeHeaders["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        return client
    }

    /// Expects a close frame with `code`, then the server closing TCP.
    func expectFailure(_ client: WSTestClient, code: UInt16) throws {
        let close = try client.readClose()
        #expect(close.closeCode == code)
        #expect(client.serverClosedTCP())
    }

    // 1.x framing

    @Test(arguments: [0, 1, 125, 126, 127, 65535, 65536, 1 << 20])
    func textAndBinaryEchoAtEveryLengthEncoding(length: Int) throws {
        let client = try connect()
        let text = String(repeating: "*", count: length)
        try client.sendText(text)
        let echoed = try client.readFrame()
        #expect(echoed.opcode == 1 && echoed.fin && echoed.payload.count == length && echoed.text == text)
        let binary = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
        try client.sendFrame(opcode: 2, payload: binary)
        let back = try client.readFrame()
        #expect(back.opcode == 2 && back.payload == binary)
    }

    @Test func manyMessagesInOneWriteComeBackInOrder() throws {
        let client = try connect()
        var batch: [UInt8] = []
        for index in 0..<200 { batch += WSTestClient.encode(opcode: 1, payload: Array("m\(index)".utf8)) }
        try client.socket.send(batch)
        for index in 0..<200 {
            #expect(try client.readFrame().text == "m\(index)")
        }
    }

    @Test func unmaskedClientFrameCloses1002() throws {
        let client = try connect()
        try client.sendFrame(opcode: 1, payload: Array("hi".utf8), masked: false)
        try expectFailure(client, code: 1002)
    }

    // 2.x pings and pongs

    @Test func pingIsAnsweredWithTheSamePayload() throws {
        let client = try connect()
        for payload in [[], Array("hello".utf8), [UInt8](repeating: 0xFE, count: 125)] {
            try client.sendFrame(opcode: 9, payload: payload)
            let pong = try client.readFrame()
            #expect(pong.opcode == 10 && pong.payload == payload)
        }
    }

    @Test func pingLongerThan125Closes1002() throws {
        let client = try connect()
        try client.sendFrame(opcode: 9, payload: [UInt8](repeating: 1, count: 126))
        try expectFailure(client, code: 1002)
    }

    @Test func unsolicitedPongIsIgnored() throws {
        let client = try connect()
        try client.sendFrame(opcode: 10, payload: Array("unsolicited".utf8))
        try client.sendText("after")
        #expect(try client.readFrame().text == "after")
    }

    @Test func tenPingsGetTenPongsInOrder() throws {
        let client = try connect()
        for index in 0..<10 { try client.sendFrame(opcode: 9, payload: [UInt8(index)]) }
        for index in 0..<10 {
            let pong = try client.readFrame()
            #expect(pong.opcode == 10 && pong.payload == [UInt8(index)])
        }
    }

    // 3.x reserved bits

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7] as [UInt8])
    func reservedBitsFailTheConnection(rsv: UInt8) throws {
        let client = try connect()
        try client.sendText("before")
        #expect(try client.readFrame().text == "before")
        try client.sendFrame(opcode: 1, payload: Array("x".utf8), rsv: rsv)
        try expectFailure(client, code: 1002)
    }

    @Test func reservedBitsOnAPingFail() throws {
        let client = try connect()
        try client.sendFrame(opcode: 9, payload: [], rsv: 4)
        try expectFailure(client, code: 1002)
    }

    // 4.x opcodes

    @Test(arguments: [3, 4, 5, 6, 7, 11, 12, 13, 14, 15] as [UInt8])
    func reservedOpcodesFailTheConnection(opcode: UInt8) throws {
        let client = try connect()
        try client.sendFrame(opcode: opcode, payload: Array("x".utf8))
        try expectFailure(client, code: 1002)
    }
}
