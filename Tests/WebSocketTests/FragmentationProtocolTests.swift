import Testing
import WebSocket

/// Autobahn categories 5 and 6 over real sockets: fragmentation and UTF-8 handling.
@Suite struct FragmentationProtocolTests {
    let server: TestServer

    init() throws {
        server = try TestServer()
    }

    func connect() throws -> WSTestClient {
        let client = try WSTestClient(port: server.port)
        #expect(client.handshakeStatus == 101)
        return client
    }

    func expectFailure(_ client: WSTestClient, code: UInt16) throws {
        #expect(try client.readClose().closeCode == code)
        #expect(client.serverClosedTCP())
    }

    @Test func fragmentedTextWithInterleavedPingsIsReassembled() throws {
        let client = try connect()
        try client.sendText("frag", fin: false)
        try client.sendFrame(opcode: 9, payload: Array("p1".utf8))
        try client.sendFrame(opcode: 0, payload: Array("men".utf8), fin: false)
        try client.sendFrame(opcode: 9, payload: Array("p2".utf8))
        try client.sendFrame(opcode: 0, payload: Array("ted".utf8))
        #expect(try client.readFrame() == ReceivedFrame(fin: true, opcode: 10, payload: Array("p1".utf8)))
        #expect(try client.readFrame() == ReceivedFrame(fin: true, opcode: 10, payload: Array("p2".utf8)))
        #expect(try client.readFrame().text == "fragmented")
    }

    @Test func fragmentsSentByteByByteAreReassembled() throws {
        let client = try connect()
        let bytes = WSTestClient.encode(opcode: 2, payload: [1, 2, 3], fin: false) + WSTestClient.encode(opcode: 0, payload: [4, 5])
        for byte in bytes { try client.socket.send([byte]) }
        #expect(try client.readFrame().payload == [1, 2, 3, 4, 5])
    }

    @Test func emptyFragmentsMakeAnEmptyMessage() throws {
        let client = try connect()
        try client.sendText("", fin: false)
        try client.sendFrame(opcode: 0, payload: [], fin: false)
        try client.sendFrame(opcode: 0, payload: [])
        let frame = try client.readFrame()
        #expect(frame.opcode == 1 && frame.payload.isEmpty)
    }

    @Test func continuationWithoutAStartCloses1002() throws {
        let client = try connect()
        try client.sendFrame(opcode: 0, payload: Array("orphan".utf8))
        try expectFailure(client, code: 1002)
    }

    @Test func newMessageInsideAFragmentedOneCloses1002() throws {
        let client = try connect()
        try client.sendText("first", fin: false)
        try client.sendText("second")
        try expectFailure(client, code: 1002)
    }

    @Test func fragmentedPingCloses1002() throws {
        let client = try connect()
        try client.sendFrame(opcode: 9, payload: Array("a".utf8), fin: false)
        try client.sendFrame(opcode: 0, payload: Array("b".utf8))
        try expectFailure(client, code: 1002)
    }

    @Test func validMultibyteCharactersSplitAcrossFragmentsPass() throws {
        let client = try connect()
        let bytes = Array("κόσμε 𝄞".utf8)
        for index in bytes.indices {
            try client.sendFrame(opcode: index == 0 ? 1 : 0, payload: [bytes[index]], fin: index == bytes.count - 1)
        }
        #expect(try client.readFrame().text == "κόσμε 𝄞")
    }

    @Test(arguments: [[0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64],
                      [0xC0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0x61, 0xE2, 0x82]] as [[UInt8]])
    func invalidUTF8Closes1007(bytes: [UInt8]) throws {
        let client = try connect()
        try client.sendFrame(opcode: 1, payload: bytes)
        try expectFailure(client, code: 1007)
    }

    @Test func invalidUTF8FailsFastBeforeTheMessageEnds() throws {
        let client = try connect()
        // Valid start, then an impossible byte in a non-final fragment: the server must not wait for the rest.
        try client.sendText("valid start", fin: false)
        try client.sendFrame(opcode: 0, payload: [0xF5], fin: false)
        try expectFailure(client, code: 1007)
    }

    @Test func invalidUTF8SplitAcrossFragmentsCloses1007() throws {
        let client = try connect()
        try client.sendFrame(opcode: 1, payload: [0x61, 0xED], fin: false)
        try client.sendFrame(opcode: 0, payload: [0xA0, 0x80])
        try expectFailure(client, code: 1007)
    }

    @Test func binaryMessagesAreNotUTF8Checked() throws {
        let client = try connect()
        try client.sendFrame(opcode: 2, payload: [0xFF, 0xFE, 0xED, 0xA0, 0x80])
        #expect(try client.readFrame().payload == [0xFF, 0xFE, 0xED, 0xA0, 0x80])
    }
}
