import BSON
@testable import EmbeddedMongo
import Testing

/// The wire protocol at byte level: handshake shapes, OP_MSG sections and checksums, and hostile input.
@Suite struct WireProtocolTests {
    @Test func legacyIsMasterOverOpQueryIsAnsweredWithOpReply() throws {
        let store = try TestStore()
        defer { store.close() }
        let client = try store.connect()
        try client.send(client.query(["isMaster": 1, "helloOk": true]))
        let reply = try #require(try client.receive())
        #expect(reply.opCode == 1, "OP_REPLY")
        let document = try Document(bytes: Array(reply.body[20...]))
        let address = BSONValue.string("127.0.0.1:\(store.port)")
        #expect(document["ismaster"] == true)
        #expect(document["isWritablePrimary"] == true)
        #expect(document["secondary"] == false)
        #expect(document["helloOk"] == true)
        #expect(document["setName"] == "rs0")
        #expect(document["hosts"] == .array([address]))
        #expect(document["primary"] == address)
        #expect(document["me"] == address)
        #expect(document["minWireVersion"] == .int32(0))
        #expect(document["maxWireVersion"] == .int32(17))
        #expect(document["maxBsonObjectSize"] == .int32(16_777_216))
        #expect(document["maxMessageSizeBytes"] == .int32(48_000_000))
        #expect(document["maxWriteBatchSize"] == .int32(100_000))
        #expect(document["logicalSessionTimeoutMinutes"] == .int32(30))
        #expect(document["localTime"]?.datetimeValue != nil)
        #expect(document["connectionId"]?.int64Value != nil)
        #expect(document.value(at: "topologyVersion.processId")?.objectIdValue != nil)
        #expect(document["compression"] == nil, "no compressor is advertised")
        #expect(document["ok"] == 1.0)
        #expect(document.value(at: "$clusterTime.clusterTime") != nil)
    }

    @Test func helloOverOpMsgThenPingAndBuildInfo() throws {
        let store = try TestStore()
        defer { store.close() }
        let client = try store.connect()
        let hello = try client.command(["hello": 1], database: "admin")
        #expect(hello["isWritablePrimary"] == true)
        #expect(hello["setName"] == "rs0")
        #expect(try client.command(["ping": 1], database: "admin")["ok"] == 1.0)
        let info = try client.command(["buildinfo": 1], database: "admin")
        #expect(info["version"] == "6.0.0")
        #expect(info["versionArray"] == .array([.int32(6), .int32(0), .int32(0), .int32(0)]))
        let parameter = try client.command(["getParameter": 1, "featureCompatibilityVersion": 1], database: "admin")
        #expect(parameter.value(at: "featureCompatibilityVersion.version") == "6.0")
    }

    @Test func unknownCommandIsCommandNotFound() throws {
        let store = try TestStore()
        defer { store.close() }
        let reply = try store.command(["frobnicate": 1])
        #expect(reply["ok"] == 0.0)
        #expect(reply["code"] == .int32(59))
        #expect(reply["codeName"] == "CommandNotFound")
        #expect(reply["errmsg"]?.stringValue?.contains("frobnicate") == true)
    }

    @Test func sessionAndClusterFieldsAreAcceptedAndRepliesCarryClusterTime() throws {
        let store = try TestStore()
        defer { store.close() }
        let reply = try store.command([
            "insert": "things", "documents": .array([.document(["_id": 1])]),
            "lsid": .document(["id": .binary(subtype: 4, data: [UInt8](repeating: 7, count: 16))]),
            "txnNumber": .int64(1),
            "$clusterTime": .document(["clusterTime": .timestamp(seconds: 1, increment: 1),
                                       "signature": .document(["hash": .binary(subtype: 0, data: [UInt8](repeating: 0, count: 20)), "keyId": .int64(0)])]),
            "writeConcern": .document(["w": "majority"]),
            "$readPreference": .document(["mode": "primary"]),
        ])
        #expect(reply["ok"] == 1.0)
        #expect(reply["n"] == .int32(1))
        guard case .timestamp(let seconds, _)? = reply["operationTime"] else {
            Issue.record("operationTime is not a Timestamp: \(reply)")
            return
        }
        #expect(seconds > 1_600_000_000)
        #expect(reply.value(at: "$clusterTime.signature.keyId") == .int64(0))
    }

    @Test func documentSequencesAndChecksumsAreHonoured() throws {
        let store = try TestStore()
        defer { store.close() }
        let client = try store.connect()
        let documents: [Document] = (0..<3).map { ["_id": .int32(Int32($0)), "v": "x"] }
        let inserted = try client.command(["insert": "seq"], sequences: [("documents", documents)], checksum: true)
        #expect(inserted["n"] == .int32(3))
        let found = try client.command(["find": "seq", "filter": .document([:])])
        #expect(found.value(at: "cursor.firstBatch")?.arrayValue?.count == 3)

        // A corrupted checksum is refused: an error reply, then the connection is closed.
        var bytes = client.message(["ping": 1, "$db": "admin"], checksum: true)
        bytes[bytes.count - 1] ^= 0xFF
        try client.send(bytes)
        let reply = try #require(try client.receiveDocument())
        #expect(reply["ok"] == 0.0)
        #expect(reply["errmsg"]?.stringValue?.contains("checksum") == true)
        #expect(try client.receiveDocument() == nil, "the connection is closed after a checksum mismatch")
    }

    @Test func hostileMessagesCloseOnlyTheirConnection() throws {
        let store = try TestStore()
        defer { store.close() }
        let bystander = try store.connect()
        #expect(try bystander.command(["ping": 1])["ok"] == 1.0)

        // Truncated header, then hang up.
        let truncated = try store.connect()
        try truncated.send([0x20, 0, 0, 0, 1, 0])
        truncated.close()

        // A length below the header size, and one above maxMessageSizeBytes: one error reply, then closed.
        for length: Int32 in [5, 100_000_000] {
            let liar = try store.connect()
            var bytes = [UInt8]()
            liar.append(length, to: &bytes)
            bytes += [1, 0, 0, 0, 0, 0, 0, 0, 0xDD, 0x07, 0, 0]
            try liar.send(bytes)
            let reply = try #require(try liar.receiveDocument(), "an error reply for length \(length)")
            #expect(reply["ok"] == 0.0)
            #expect(try liar.receiveDocument() == nil)
        }

        // A length that promises more than is sent, then the peer goes away mid-message.
        let short = try store.connect()
        var promise = [UInt8]()
        short.append(200, to: &promise)
        promise += [1, 0, 0, 0, 0, 0, 0, 0, 0xDD, 0x07, 0, 0, 0, 0, 0, 0]
        try short.send(promise)
        short.close()

        // A document whose length field lies inside a well-framed message: error reply, connection closed.
        let inner = try store.connect()
        var payload: [UInt8] = [0, 0, 0, 0, 0]
        inner.append(4000, to: &payload)
        payload += [0x10, 0x61, 0, 1, 0, 0, 0, 0]
        try inner.send(inner.header(length: 16 + payload.count, opCode: 2013) + payload)
        #expect(try inner.receiveDocument()?["code"] == .int32(22))

        // Invalid BSON content (a string whose length is wrong) in a well-framed document: InvalidBSON, and the
        // same connection still works.
        let invalid = try store.connect()
        var badDocument: [UInt8] = []
        invalid.append(19, to: &badDocument)
        badDocument += [0x02, 0x61, 0x00]
        invalid.append(50, to: &badDocument)
        badDocument += [0x68, 0x69, 0x00, 0, 0, 0, 0, 0]
        let badBody: [UInt8] = [0, 0, 0, 0, 0] + badDocument
        try invalid.send(invalid.header(length: 16 + badBody.count, opCode: 2013) + badBody)
        let invalidReply = try #require(try invalid.receiveDocument())
        #expect(invalidReply["code"] == .int32(22))
        #expect(try invalid.command(["ping": 1])["ok"] == 1.0, "the framing was intact, so the connection goes on")

        // Unknown opcode and OP_COMPRESSED: an error reply, then closed.
        for opCode: Int32 in [1234, 2012] {
            let unknown = try store.connect()
            let body: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
            try unknown.send(unknown.header(length: 16 + body.count, opCode: opCode) + body)
            let reply = try #require(try unknown.receiveDocument())
            #expect(reply["ok"] == 0.0)
            #expect(try unknown.receiveDocument() == nil)
        }

        // Garbage bytes.
        let garbage = try store.connect()
        try garbage.send(Array(repeating: 0xFF, count: 64))
        garbage.close()

        // Everyone else is still served, and new connections work.
        #expect(try bystander.command(["ping": 1])["ok"] == 1.0)
        #expect(try store.command(["ping": 1])["ok"] == 1.0)
    }

    @Test func absurdlyDeepDocumentIsRefusedWithoutExhaustingTheStack() throws {
        let store = try TestStore()
        defer { store.close() }
        let client = try store.connect()
        // {a: {a: {a: ... }}} nested 100,000 levels, written directly as bytes.
        let levels = 100_000
        var deep = [UInt8]()
        deep.reserveCapacity(levels * 8 + 5)
        for level in 0..<levels {
            client.append(Int32(5 + 8 * (levels - level)), to: &deep)
            deep += [0x03, 0x61, 0x00]
        }
        deep += [5, 0, 0, 0, 0]
        deep += [UInt8](repeating: 0, count: levels)
        var body: [UInt8] = [0, 0, 0, 0, 0]
        body += deep
        try client.send(client.header(length: 16 + body.count, opCode: 2013) + body)
        let reply = try #require(try client.receiveDocument())
        #expect(reply["code"] == .int32(22))
        #expect(try client.command(["ping": 1])["ok"] == 1.0)
    }

    @Test func unacknowledgedWriteGetsNoReply() throws {
        let store = try TestStore()
        defer { store.close() }
        let client = try store.connect()
        let moreToCome: UInt32 = 1 << 1
        try client.send(client.message(["insert": "quiet", "documents": .array([.document(["_id": 1])]), "$db": "test"],
                                       flags: moreToCome))
        // The next reply on this connection answers the find, not the insert.
        let found = try client.command(["find": "quiet", "filter": .document([:])])
        #expect(found.value(at: "cursor.firstBatch")?.arrayValue?.count == 1)
    }
}
