import BSON
@testable import EmbeddedMongo
import Testing

/// Command-level behaviour in MongoDB's shapes: cursors, catalog commands, statistics, refusals.
@Suite struct CommandTests {
    @Test func findBatchesThroughGetMoreUntilTheCursorCloses() throws {
        let store = try TestStore()
        defer { store.close() }
        let client = try store.connect()
        _ = try client.command(["insert": "many", "documents": .array((0..<25).map { .document(["_id": .int32(Int32($0))]) })])
        let first = try client.command(["find": "many", "filter": .document([:]), "sort": .document(["_id": 1]), "batchSize": 10])
        let id = try #require(first.value(at: "cursor.id")?.int64Value)
        #expect(id != 0)
        #expect(first.value(at: "cursor.ns") == "test.many")
        var seen = first.value(at: "cursor.firstBatch")?.arrayValue?.count ?? 0
        var cursor = id
        while cursor != 0 {
            let next = try client.command(["getMore": .int64(cursor), "collection": "many", "batchSize": 10])
            seen += next.value(at: "cursor.nextBatch")?.arrayValue?.count ?? 0
            cursor = next.value(at: "cursor.id")?.int64Value ?? 0
        }
        #expect(seen == 25)
        let gone = try client.command(["getMore": .int64(id), "collection": "many"])
        #expect(gone["code"] == .int32(43))
        let kill = try client.command(["killCursors": "many", "cursors": .array([.int64(id)])])
        #expect(kill["cursorsNotFound"] == .array([.int64(id)]))
        let limited = try client.command(["count": "many", "query": .document(["_id": .document(["$gte": 5])]), "limit": 3])
        #expect(limited["n"] == .int32(3))
    }

    @Test func catalogCommandsAnswerInMongoDBShapes() throws {
        let store = try TestStore()
        defer { store.close() }
        let client = try store.connect()
        #expect(try client.command(["create": "made"])["ok"] == 1.0)
        #expect(try client.command(["create": "made"])["code"] == .int32(48))
        #expect(try client.command(["drop": "never"])["code"] == .int32(26))
        _ = try client.command(["insert": "other", "documents": .array([.document(["x": 1])])])
        let listed = try client.command(["listCollections": 1, "filter": .document(["name": "other"]), "nameOnly": true])
        #expect(listed.value(at: "cursor.firstBatch") == .array([.document(["name": "other", "type": "collection"])]))
        let databases = try client.command(["listDatabases": 1, "nameOnly": true], database: "admin")
        #expect(databases["databases"] == .array([.document(["name": "test"])]))
        let stats = try client.command(["dbStats": 1])
        #expect(stats["collections"] == .int32(2))
        #expect(stats["objects"] == .int64(1))
        #expect(try client.command(["collStats": "other"])["count"] == .int64(1))
        #expect(try client.command(["dropDatabase": 1])["dropped"] == "test")
        let after = try client.command(["listDatabases": 1, "nameOnly": true], database: "admin")
        #expect(after["databases"] == .array([]))
        #expect(try client.command(["create": "system.bad"])["code"] == .int32(73))
    }

    @Test func transactionsAreRefusedRatherThanRunPiecemeal() throws {
        let store = try TestStore()
        defer { store.close() }
        let reply = try store.command(["insert": "t", "documents": .array([.document(["x": 1])]), "txnNumber": .int64(1),
                                       "startTransaction": true, "autocommit": false])
        #expect(reply["code"] == .int32(238))
        #expect(try store.command(["count": "t"])["n"] == .int32(0), "nothing was written")
        #expect(try store.command(["commitTransaction": 1], database: "admin")["code"] == .int32(238))
    }

    @Test func legacyQueryOnACollectionIsAQueryFailure() throws {
        let store = try TestStore()
        defer { store.close() }
        let client = try store.connect()
        var bytes = client.query(["x": 1])
        // Turn "admin.$cmd" into "admin.coll": a legacy find, which the store does not serve.
        let name = Array("admin.$cmd".utf8), replacement = Array("admin.coll".utf8)
        if let start = (0...(bytes.count - name.count)).first(where: { Array(bytes[$0..<($0 + name.count)]) == name }) {
            bytes.replaceSubrange(start..<(start + name.count), with: replacement)
        }
        try client.send(bytes)
        let reply = try #require(try client.receive())
        #expect(reply.opCode == 1)
        #expect(reply.body[0] & 2 != 0, "QueryFailure flag")
        #expect(try Document(bytes: Array(reply.body[20...]))["$err"] != nil)
    }

    @Test func findAndModifyReturnsBeforeOrAfterAndUpserts() throws {
        let store = try TestStore()
        defer { store.close() }
        _ = try store.command(["insert": "jobs", "documents": .array([.document(["_id": 1, "state": "new", "p": 2]),
                                                                      .document(["_id": 2, "state": "new", "p": 1])])])
        let claimed = try store.command(["findAndModify": "jobs", "query": .document(["state": "new"]), "sort": .document(["p": 1]),
                                         "update": .document(["$set": .document(["state": "taken"])]), "new": true])
        #expect(claimed["value"] == .document(["_id": 2, "state": "taken", "p": 1]))
        #expect(claimed.value(at: "lastErrorObject.updatedExisting") == true)
        let upserted = try store.command(["findAndModify": "jobs", "query": .document(["_id": 9]),
                                          "update": .document(["$set": .document(["state": "x"])]), "upsert": true, "new": true])
        #expect(upserted["value"] == .document(["_id": 9, "state": "x"]))
        #expect(upserted.value(at: "lastErrorObject.upserted") == 9)
        let removed = try store.command(["findAndModify": "jobs", "query": .document(["_id": 1]), "remove": true])
        #expect(removed.value(at: "value._id") == 1)
        #expect(try store.command(["count": "jobs"])["n"] == .int32(2))
    }

    @Test func serverStatusCountsWhatQueriesScanned() throws {
        let store = try TestStore()
        defer { store.close() }
        _ = try store.command(["insert": "s", "documents": .array((0..<30).map { .document(["_id": .int32(Int32($0))]) })])
        let before = try store.command(["serverStatus": 1], database: "admin")
        _ = try store.command(["find": "s", "filter": .document(["x": 1])])
        let after = try store.command(["serverStatus": 1], database: "admin")
        let scanned = { (reply: Document) in reply.value(at: "metrics.queryExecutor.scannedObjects")?.int64Value ?? -1 }
        #expect(scanned(after) - scanned(before) == 30, "a filter on an unindexed field reads the whole collection")
        #expect(after.value(at: "repl.setName") == "rs0")
    }
}
