import BSON
@testable import EmbeddedMongo
import Foundation
import Testing

/// Change streams over the oplog: events, resume tokens, scopes, pipelines, waiting getMore, history bounds.
@Suite struct ChangeStreamTests {
    /// Opens a change stream with `aggregate` and returns (cursor id, namespace collection, first batch, reply).
    private func open(_ client: WireClient, on target: BSONValue, database: String = "test", options: Document = [:],
                      stages: [Document] = []) throws -> (Int64, String, [Document], Document) {
        let pipeline = [BSONValue.document(["$changeStream": .document(options)])] + stages.map(BSONValue.document)
        let reply = try client.command(["aggregate": target, "pipeline": .array(pipeline), "cursor": .document([:])], database: database)
        guard let id = reply.value(at: "cursor.id")?.int64Value, let ns = reply.value(at: "cursor.ns")?.stringValue else {
            throw WireTestError(description: "no cursor in \(reply)")
        }
        let collection = String(ns.drop(while: { $0 != "." }).dropFirst())
        return (id, collection, reply.value(at: "cursor.firstBatch")?.arrayValue?.compactMap(\.documentValue) ?? [], reply)
    }

    private func next(_ client: WireClient, _ id: Int64, _ collection: String, database: String = "test",
                      wait: Int64 = 2000) throws -> (events: [Document], reply: Document) {
        let reply = try client.command(["getMore": .int64(id), "collection": .string(collection), "maxTimeMS": .int64(wait)],
                                       database: database)
        return (reply.value(at: "cursor.nextBatch")?.arrayValue?.compactMap(\.documentValue) ?? [], reply)
    }

    /// Reads until `count` events arrived (each getMore waits for a commit).
    private func events(_ client: WireClient, _ id: Int64, _ collection: String, count: Int, database: String = "test") throws -> [Document] {
        var all = [Document]()
        var attempts = 0
        while all.count < count, attempts < 20 {
            all += try next(client, id, collection, database: database).events
            attempts += 1
        }
        return all
    }

    @Test func insertUpdateReplaceDeleteEventsWithTokensAndLookup() throws {
        let store = try TestStore()
        defer { store.close() }
        let watcher = try store.connect()
        let writer = try store.connect()
        _ = try writer.command(["insert": "readings", "documents": .array([.document(["_id": 0])])])
        let (id, collection, first, opened) = try open(watcher, on: "readings", options: ["fullDocument": "updateLookup"])
        #expect(first.isEmpty)
        #expect(opened.value(at: "cursor.postBatchResumeToken._data") != nil)
        _ = try writer.command(["insert": "readings", "documents": .array([.document(["_id": 1, "v": 1])])])
        _ = try writer.command(["update": "readings", "updates": .array([.document(["q": .document(["_id": 1]), "u": .document(["$set": .document(["v": 2]), "$unset": .document(["gone": ""])])])])])
        _ = try writer.command(["update": "readings", "updates": .array([.document(["q": .document(["_id": 1]), "u": .document(["v": 3])])])])
        _ = try writer.command(["delete": "readings", "deletes": .array([.document(["q": .document(["_id": 1]), "limit": 1])])])
        let seen = try events(watcher, id, collection, count: 4)
        #expect(seen.map { $0["operationType"] } == ["insert", "update", "replace", "delete"])
        #expect(seen[0]["fullDocument"] == .document(["_id": 1, "v": 1]))
        #expect(seen[0]["ns"] == .document(["db": "test", "coll": "readings"]))
        #expect(seen[0]["documentKey"] == .document(["_id": 1]))
        #expect(seen[1].value(at: "updateDescription.updatedFields") == .document(["v": 2]))
        #expect(seen[1]["fullDocument"] == .null, "updateLookup reads the current document, deleted since")
        #expect(seen[2]["fullDocument"] == .document(["_id": 1, "v": 3]))
        #expect(seen[3]["documentKey"] == .document(["_id": 1]))
        for event in seen {
            if case .timestamp = event["clusterTime"] {} else { Issue.record("clusterTime is not a Timestamp: \(event)") }
            #expect(event.value(at: "_id._data")?.stringValue != nil)
        }
        let tokens = seen.compactMap { $0["_id"]?.documentValue?["_data"]?.stringValue }
        #expect(tokens == tokens.sorted() && Set(tokens).count == 4, "tokens are distinct and ordered")

        // Resume after the insert: exactly the three later events, nothing repeated.
        let resumer = try store.connect()
        let (resumed, _, resumedFirst, _) = try open(resumer, on: "readings", options: ["resumeAfter": seen[0]["_id"]!])
        let again = resumedFirst + (try events(resumer, resumed, collection, count: 3 - resumedFirst.count))
        #expect(again.map { $0["operationType"] } == ["update", "replace", "delete"])
        #expect(try next(resumer, resumed, collection, wait: 50).events.isEmpty)
    }

    @Test func waitingGetMoreWakesOnCommitAndDoesNotBlockOthers() throws {
        let store = try TestStore()
        defer { store.close() }
        let watcher = try store.connect()
        let (id, collection, _, _) = try open(watcher, on: "live")
        let order = OrderLog()
        let waiting = Thread {
            let events = (try? self.next(watcher, id, collection, wait: 30_000).events) ?? []
            order.append("event:\(events.count)")
        }
        waiting.start()
        usleep(100_000)
        // While the getMore waits, another connection reads and writes freely.
        let other = try store.connect()
        _ = try other.command(["insert": "elsewhere", "documents": .array([.document(["x": 1])])])
        let found = try other.command(["find": "elsewhere", "filter": .document([:])])
        #expect(found.value(at: "cursor.firstBatch")?.arrayValue?.count == 1)
        order.append("other-done")
        _ = try other.command(["insert": "live", "documents": .array([.document(["x": 2])])])
        #expect(order.waitFor(count: 2, seconds: 20), "the waiting getMore returned with the event (woken by the commit)")
        #expect(order.entries == ["other-done", "event:1"])
    }

    @Test func killCursorsEndsAWaitingGetMore() throws {
        let store = try TestStore()
        defer { store.close() }
        let watcher = try store.connect()
        let (id, collection, _, _) = try open(watcher, on: "quiet")
        let order = OrderLog()
        let waiting = Thread {
            _ = try? self.next(watcher, id, collection, wait: 60_000)
            order.append("returned")
        }
        waiting.start()
        usleep(100_000)
        let killed = try store.command(["killCursors": "quiet", "cursors": .array([.int64(id)])])
        #expect(killed["cursorsKilled"] == .array([.int64(id)]))
        #expect(order.waitFor(count: 1, seconds: 20))
        let after = try next(try store.connect(), id, collection, wait: 10).reply
        #expect(after["code"] == .int32(43), "the cursor is gone")
    }

    @Test func dropInvalidatesAndStartAfterContinuesPastIt() throws {
        let store = try TestStore()
        defer { store.close() }
        let client = try store.connect()
        _ = try client.command(["insert": "temp", "documents": .array([.document(["_id": 1])])])
        let (id, collection, _, _) = try open(client, on: "temp")
        _ = try client.command(["insert": "temp", "documents": .array([.document(["_id": 2])])])
        _ = try client.command(["drop": "temp"])
        let seen = try events(client, id, collection, count: 3)
        #expect(seen.map { $0["operationType"] } == ["insert", "drop", "invalidate"])
        let (_, closing) = try next(client, id, collection, wait: 10)
        #expect(closing["code"] == .int32(43), "an invalidated stream's cursor is closed")
        let invalidate = try #require(seen.last?["_id"])

        let refused = try client.command(["aggregate": "temp", "pipeline": .array([.document(["$changeStream": .document(["resumeAfter": invalidate])])]),
                                          "cursor": .document([:])])
        #expect(refused["code"] == .int32(260))
        let (after, afterCollection, _, _) = try open(client, on: "temp", options: ["startAfter": invalidate])
        _ = try client.command(["insert": "temp", "documents": .array([.document(["_id": 3])])])
        let later = try events(client, after, afterCollection, count: 1)
        #expect(later.first?["documentKey"] == .document(["_id": 3]))
    }

    @Test func databaseAndClusterScopesWithPipelineAndStartAtOperationTime() throws {
        let store = try TestStore()
        defer { store.close() }
        let client = try store.connect()
        let time = try #require(try client.command(["ping": 1])["operationTime"])
        let (dbId, dbCollection, _, _) = try open(client, on: 1, database: "alpha",
                                                  stages: [["$match": .document(["operationType": "insert", "fullDocument.keep": true])],
                                                           ["$project": .document(["fullDocument": 1, "ns": 1])]])
        let (allId, allCollection, _, _) = try open(client, on: 1, database: "admin", options: ["allChangesForCluster": true])
        _ = try client.command(["insert": "one", "documents": .array([.document(["keep": false])])], database: "alpha")
        _ = try client.command(["insert": "two", "documents": .array([.document(["keep": true])])], database: "alpha")
        _ = try client.command(["insert": "three", "documents": .array([.document(["keep": true])])], database: "beta")
        let alpha = try events(client, dbId, dbCollection, count: 1, database: "alpha")
        #expect(alpha.count == 1)
        #expect(alpha.first?["ns"] == .document(["db": "alpha", "coll": "two"]))
        #expect(alpha.first?["operationType"] == nil, "projected away")
        #expect(alpha.first?["_id"] != nil, "the resume token is kept")
        let all = try events(client, allId, allCollection, count: 3, database: "admin")
        #expect(all.compactMap { $0.value(at: "ns.db") } == ["alpha", "alpha", "beta"])

        let (fromId, fromCollection, fromFirst, _) = try open(client, on: 1, database: "admin",
                                                              options: ["allChangesForCluster": true, "startAtOperationTime": time])
        let replayed = fromFirst + (try events(client, fromId, fromCollection, count: 3 - fromFirst.count, database: "admin"))
        #expect(replayed.count == 3)

        let refused = try client.command(["aggregate": "x", "pipeline": .array([.document(["$changeStream": .document([:])]), .document(["$limit": 1])]),
                                          "cursor": .document([:])])
        #expect(refused["ok"] == 0.0)
        #expect(refused["errmsg"]?.stringValue?.contains("$limit") == true)
    }

    @Test func tokenOlderThanTheBoundedOplogIsHistoryLost() throws {
        let store = try TestStore(oplogLimits: OplogLimits(maxEntries: 50, maxAgeSeconds: nil))
        defer { store.close() }
        let client = try store.connect()
        let (id, collection, _, _) = try open(client, on: "busy")
        _ = try client.command(["insert": "busy", "documents": .array([.document(["n": 0])])])
        let first = try #require(try events(client, id, collection, count: 1).first?["_id"])
        for batch in 0..<300 {
            _ = try client.command(["insert": "busy", "documents": .array([.document(["n": .int32(Int32(batch + 1))])])])
        }
        let lost = try client.command(["aggregate": "busy", "pipeline": .array([.document(["$changeStream": .document(["resumeAfter": first])])]),
                                       "cursor": .document([:])])
        #expect(lost["code"] == .int32(286))
        #expect(lost["codeName"] == "ChangeStreamHistoryLost")
        // The original stream fell behind too: it reports the loss instead of skipping events.
        let behind = try next(client, id, collection, wait: 10).reply
        #expect(behind["code"] == .int32(286))
    }

    @Test func unsupportedOptionsAreRefusedByName() throws {
        let store = try TestStore()
        defer { store.close() }
        let reply = try store.command(["aggregate": "x", "pipeline": .array([.document(["$changeStream": .document(["fullDocument": "required"])])]),
                                       "cursor": .document([:])])
        #expect(reply["code"] == .int32(238))
        let token = try store.command(["aggregate": "x", "pipeline": .array([.document(["$changeStream": .document(["resumeAfter": .document(["_data": "zz"])])])]),
                                       "cursor": .document([:])])
        #expect(token["code"] == .int32(260))
    }
}

/// Records the order in which threads reach points, and waits for them.
final class OrderLog: @unchecked Sendable {
    // `condition` guards `entries`.
    private let condition = NSCondition()
    private var values = [String]()

    func append(_ entry: String) {
        condition.lock()
        values.append(entry)
        condition.broadcast()
        condition.unlock()
    }

    var entries: [String] {
        condition.lock()
        defer { condition.unlock() }
        return values
    }

    func waitFor(count: Int, seconds: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(seconds)
        while values.count < count { if !condition.wait(until: deadline) { return values.count >= count } }
        return true
    }
}
