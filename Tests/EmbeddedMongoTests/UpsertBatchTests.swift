import BSON
@testable import EmbeddedMongo
import Foundation
import Testing

/// One unordered upsert batch mixing unchanged, changed and new documents: counts, stored documents and
/// change events must be exactly those of applying each statement on its own.
@Suite struct UpsertBatchTests {
    private func reading(_ key: String, values: Document, geo: Document) -> Document {
        ["feed": "velib", "key": .string(key), "at": .datetime(1_700_000_000_000), "values": .document(values),
         "geo": .document(geo)]
    }

    private func upsert(_ key: String, values: Document, geo: Document) -> BSONValue {
        .document(["q": .document(["feed": "velib", "key": .string(key), "at": .datetime(1_700_000_000_000)]),
                   "u": .document(["$set": .document(["values": .document(values), "geo": .document(geo)]),
                                   "$setOnInsert": .document(["fetchedAt": .datetime(1_700_000_060_000)])]),
                   "upsert": true])
    }

    @Test func mixedBatchCountsOnlyRealChangesAndLogsOnlyThem() throws {
        let store = try TestStore()
        defer { store.close() }
        let client = try store.connect()
        _ = try client.command(["createIndexes": "readings", "indexes": .array([.document([
            "key": .document(["feed": 1, "key": 1, "at": 1]), "name": "identity", "unique": true])])])
        let geo: Document = ["lon": .double(2.35), "lat": .double(48.85)]
        _ = try client.command(["insert": "readings", "documents": .array([
            .document(reading("same", values: ["bikes": .double(3)], geo: geo)),
            .document(reading("changed", values: ["bikes": .double(3)], geo: geo)),
            .document(reading("signed-zero", values: ["bikes": .double(1)], geo: ["lon": .double(0), "lat": .double(0)])),
        ])])
        let opened = try client.command(["aggregate": "readings", "pipeline": .array([.document(["$changeStream": .document([:])])]),
                                         "cursor": .document([:])])
        let cursor = try #require(opened.value(at: "cursor.id")?.int64Value)

        let reply = try client.command(["update": "readings", "ordered": false, "updates": .array([
            upsert("same", values: ["bikes": .double(3)], geo: geo),
            upsert("changed", values: ["bikes": .double(4)], geo: geo),
            upsert("new", values: ["bikes": .double(7)], geo: geo),
            // -0.0 equals 0.0 numerically but is other bytes: MongoDB stores it, so it is a modification.
            upsert("signed-zero", values: ["bikes": .double(1)], geo: ["lon": .double(-0.0), "lat": .double(0)]),
        ])])
        #expect(reply["n"] == .int32(4))
        #expect(reply["nModified"] == .int32(2))
        #expect(reply["writeErrors"] == nil)
        let upserted = try #require(reply["upserted"]?.arrayValue)
        #expect(upserted.count == 1)
        #expect(upserted.first?.documentValue?["index"] == .int32(2))

        var events = [Document]()
        for _ in 0..<20 where events.count < 3 {
            let more = try client.command(["getMore": .int64(cursor), "collection": "readings", "maxTimeMS": .int64(2000)])
            events += more.value(at: "cursor.nextBatch")?.arrayValue?.compactMap(\.documentValue) ?? []
        }
        #expect(events.map { $0["operationType"] } == ["update", "insert", "update"])
        #expect(events.first?.value(at: "documentKey._id") != nil)
        #expect(events.first?.value(at: "updateDescription.updatedFields") == .document(["values": .document(["bikes": .double(4)])]),
                "the byte-identical geo is not reported")
        let newId = try #require(upserted.first?.documentValue?["_id"])
        #expect(events.count > 1 ? events[1]["fullDocument"] == .document([
            "_id": newId, "feed": "velib", "key": "new", "at": .datetime(1_700_000_000_000),
            "fetchedAt": .datetime(1_700_000_060_000), "geo": .document(geo), "values": .document(["bikes": .double(7)]),
        ]) : false)
        #expect(events.count > 2 ? events[2].value(at: "updateDescription.updatedFields.geo") == .document(["lon": .double(-0.0), "lat": .double(0)]) : false)
        let quiet = try client.command(["getMore": .int64(cursor), "collection": "readings", "maxTimeMS": .int64(200)])
        #expect(quiet.value(at: "cursor.nextBatch")?.arrayValue?.isEmpty == true, "the unchanged match logs nothing")

        let found = try client.command(["find": "readings", "filter": .document(["feed": "velib"]), "sort": .document(["key": 1])])
        let stored = found.value(at: "cursor.firstBatch")?.arrayValue?.compactMap(\.documentValue) ?? []
        #expect(stored.map { $0["key"] } == ["changed", "new", "same", "signed-zero"])
        #expect(stored.map { $0.value(at: "values.bikes") } == [.double(4), .double(7), .double(3), .double(1)])
        let signedZero = stored.last?.value(at: "geo.lon")?.doubleValue
        #expect(signedZero == 0 && signedZero?.sign == .minus)
        #expect(stored.first?["fetchedAt"] == nil, "$setOnInsert leaves a matched document alone")
    }

    @Test func scalarSetsCountAsModifiedOnlyWhenTheirBytesChange() throws {
        let store = try TestStore()
        defer { store.close() }
        let client = try store.connect()
        let decomposed = "e\u{301}", precomposed = "\u{E9}"
        #expect(decomposed == precomposed, "Swift compares canonically: the store must compare bytes")
        _ = try client.command(["insert": "items", "documents": .array([
            .document(["_id": 1, "name": .string(decomposed), "n": .int32(5), "x": .double(0), "at": .datetime(10)]),
        ])])
        func set(_ fields: Document) throws -> Document {
            try client.command(["update": "items", "updates": .array([.document([
                "q": .document(["_id": 1]), "u": .document(["$set": .document(fields)]), "upsert": true])])])
        }
        let same = try set(["name": .string(decomposed), "n": .int32(5), "x": .double(0), "at": .datetime(10)])
        #expect(same["n"] == .int32(1))
        #expect(same["nModified"] == .int32(0))
        for change: Document in [["name": .string(precomposed)], ["n": .int64(5)], ["x": .double(-0.0)], ["at": .datetime(11)]] {
            let reply = try set(change)
            #expect(reply["nModified"] == .int32(1), "\(change)")
        }
        let found = try client.command(["find": "items", "filter": .document(["_id": 1])])
        let stored = try #require(found.value(at: "cursor.firstBatch")?.arrayValue?.first?.documentValue)
        #expect(stored["name"]?.stringValue.map { Array($0.utf8) } == Array(precomposed.utf8))
        #expect(stored["n"] == .int64(5))
        #expect(stored["x"]?.doubleValue?.sign == .minus)
        #expect(stored["at"] == .datetime(11))
    }

    @Test func updatesKeepIndexRowsInStepWhetherOrNotTheirKeysChange() throws {
        let store = try TestStore()
        defer { store.close() }
        let client = try store.connect()
        _ = try client.command(["createIndexes": "items", "indexes": .array([
            .document(["key": .document(["code": 1]), "name": "code", "unique": true]),
            .document(["key": .document(["tags": 1]), "name": "tags"]),
        ])])
        _ = try client.command(["insert": "items", "documents": .array([
            .document(["_id": 1, "code": "a", "tags": .array(["x", "y"]), "n": 1]),
            .document(["_id": 2, "code": "b", "tags": .array(["z"]), "n": 1]),
        ])])
        func update(_ id: Int32, _ set: Document) throws -> Document {
            try client.command(["update": "items", "updates": .array([.document([
                "q": .document(["_id": .int32(id)]), "u": .document(["$set": .document(set)])])])])
        }
        func ids(_ filter: Document) throws -> [BSONValue?] {
            let found = try client.command(["find": "items", "filter": .document(filter), "sort": .document(["_id": 1])])
            return (found.value(at: "cursor.firstBatch")?.arrayValue ?? []).map { $0.documentValue?["_id"] }
        }
        #expect(try update(1, ["n": 2])["nModified"] == .int32(1), "keys unchanged")
        #expect(try ids(["code": "a"]) == [.int32(1)])
        #expect(try ids(["tags": "y"]) == [.int32(1)])
        #expect(try update(1, ["code": "c", "tags": .array(["y", "w"])])["nModified"] == .int32(1), "keys changed")
        #expect(try ids(["code": "a"]).isEmpty)
        #expect(try ids(["code": "c"]) == [.int32(1)])
        #expect(try ids(["tags": "x"]).isEmpty)
        #expect(try ids(["tags": "w"]) == [.int32(1)])
        #expect(try ids(["tags": "y"]) == [.int32(1)])
        let clash = try update(2, ["code": "c"])
        #expect(clash["writeErrors"]?.arrayValue?.first?.documentValue?["code"] == .int32(11000))
        #expect(try ids(["code": "b"]) == [.int32(2)], "a refused update leaves its index rows as they were")
        let reuse = try client.command(["insert": "items", "documents": .array([.document(["_id": 3, "code": "a"])])])
        #expect(reuse["writeErrors"] == nil, "the old key was released")
    }
}
