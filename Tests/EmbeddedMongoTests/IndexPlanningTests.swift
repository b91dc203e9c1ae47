import BSON
@testable import EmbeddedMongo
import Testing

/// Indexes are real: they enforce uniqueness and serve range scans without reading the rest of the collection.
@Suite struct IndexPlanningTests {
    /// 4 feeds x 50 keys x 20 minutes = 4000 readings.
    private func seededStore() throws -> TestStore {
        let store = try TestStore()
        let created = try store.command(["createIndexes": "readings", "indexes": .array([
            .document(["key": .document(["feed": 1, "key": 1, "at": 1]), "name": "feed_key_at", "unique": true]),
            .document(["key": .document(["feed": 1, "at": -1]), "name": "feed_at"]),
        ])])
        #expect(created["numIndexesAfter"] == .int32(3))
        let feeds = ["usgs", "openmeteo", "velib", "eco2mix"]
        var documents = [BSONValue]()
        for minute in 0..<20 {
            for feed in feeds {
                for key in 0..<50 {
                    documents.append(.document(["feed": .string(feed), "key": .string("k\(key)"),
                                                "at": .datetime(Int64(minute) * 60_000), "v": .int32(Int32(key))]))
                }
            }
        }
        let inserted = try store.command(["insert": "readings", "documents": .array(documents)])
        #expect(inserted["n"] == .int32(4000))
        return store
    }

    private func explain(_ store: TestStore, _ find: Document) throws -> Document {
        try store.command(["explain": .document(find)])
    }

    @Test func rangeOnIndexPrefixExaminesOnlyMatchingDocuments() throws {
        let store = try seededStore()
        defer { store.close() }
        let filter: Document = ["feed": "velib", "at": .document(["$gte": .datetime(5 * 60_000), "$lt": .datetime(8 * 60_000)])]
        let plan = try explain(store, ["find": "readings", "filter": .document(filter)])
        #expect(plan.value(at: "queryPlanner.winningPlan.stage") == "IXSCAN")
        #expect(plan.value(at: "executionStats.nReturned") == .int32(150))
        #expect(plan.value(at: "executionStats.totalDocsExamined") == .int64(150), "no collection scan: only the 150 in range")
        let found = try store.command(["find": "readings", "filter": .document(filter), "batchSize": 1000])
        let batch = try #require(found.value(at: "cursor.firstBatch")?.arrayValue)
        #expect(batch.count == 150)
        #expect(batch.allSatisfy { $0.documentValue?["feed"] == "velib" })
    }

    @Test func sortAndLimitFollowTheIndexAndStopEarly() throws {
        let store = try seededStore()
        defer { store.close() }
        let find: Document = ["find": "readings", "filter": .document(["feed": "usgs"]), "sort": .document(["at": -1]), "limit": 10]
        let plan = try explain(store, find)
        #expect(plan.value(at: "executionStats.totalDocsExamined") == .int64(10), "the index delivers the order")
        let batch = try #require(try store.command(find).value(at: "cursor.firstBatch")?.arrayValue)
        #expect(batch.count == 10)
        #expect(batch.allSatisfy { $0.documentValue?["at"] == .datetime(19 * 60_000) })

        // Ascending order reads the same index backwards.
        let ascending: Document = ["find": "readings", "filter": .document(["feed": "usgs", "at": .document(["$gte": .datetime(0)])]),
                                   "sort": .document(["at": 1]), "limit": 3]
        let first = try #require(try store.command(ascending).value(at: "cursor.firstBatch")?.arrayValue)
        #expect(first.map { $0.documentValue?["at"] } == [.datetime(0), .datetime(0), .datetime(0)])
        #expect(try explain(store, ascending).value(at: "executionStats.totalDocsExamined") == .int64(3))
    }

    @Test func equalityPrefixUsesTheUniqueIndex() throws {
        let store = try seededStore()
        defer { store.close() }
        let filter: Document = ["feed": "eco2mix", "key": "k7", "at": .datetime(3 * 60_000)]
        let plan = try explain(store, ["find": "readings", "filter": .document(filter)])
        #expect(plan.value(at: "queryPlanner.winningPlan.indexName") == "feed_key_at")
        #expect(plan.value(at: "executionStats.totalDocsExamined") == .int64(1))
    }

    @Test func uniqueIndexRefusesDuplicatesWithKeyPatternAndKeyValue() throws {
        let store = try seededStore()
        defer { store.close() }
        let duplicate: BSONValue = .document(["feed": "usgs", "key": "k1", "at": .datetime(0)])
        let fresh: BSONValue = .document(["feed": "usgs", "key": "new", "at": .datetime(0)])
        let reply = try store.command(["insert": "readings", "documents": .array([duplicate, fresh]), "ordered": false])
        #expect(reply["n"] == .int32(1), "unordered: the second document is still inserted")
        let error = try #require(reply["writeErrors"]?.arrayValue?.first?.documentValue)
        #expect(error["index"] == .int32(0))
        #expect(error["code"] == .int32(11000))
        #expect(error["keyPattern"] == .document(["feed": 1, "key": 1, "at": 1]))
        #expect(error["keyValue"] == duplicate)
        #expect(error["errmsg"]?.stringValue?.contains("E11000") == true)

        let ordered = try store.command(["insert": "readings", "documents": .array([duplicate, .document(["feed": "x"])])])
        #expect(ordered["n"] == .int32(0), "ordered: stops at the first failure")

        let count = try store.command(["count": "readings"])
        #expect(count["n"] == .int32(4001))

        // The same through an update that would create a duplicate: the update is refused, nothing changes.
        let update = try store.command(["update": "readings", "updates": .array([.document([
            "q": .document(["feed": "usgs", "key": "new"]), "u": .document(["$set": .document(["key": "k1"])]),
        ])])])
        #expect(update.value(at: "writeErrors")?.arrayValue?.first?.documentValue?["code"] == .int32(11000))
        let still = try store.command(["count": "readings", "query": .document(["key": "new"])])
        #expect(still["n"] == .int32(1))
    }

    @Test func creatingAUniqueIndexOverDuplicatesFails() throws {
        let store = try TestStore()
        defer { store.close() }
        _ = try store.command(["insert": "dups", "documents": .array([.document(["a": 1]), .document(["a": 1])])])
        let reply = try store.command(["createIndexes": "dups", "indexes": .array([
            .document(["key": .document(["a": 1]), "name": "a_1", "unique": true]),
        ])])
        #expect(reply["code"] == .int32(11000))
        let indexes = try store.command(["listIndexes": "dups"])
        #expect(indexes.value(at: "cursor.firstBatch")?.arrayValue?.count == 1, "only _id_ remains")
    }

    @Test func multikeyIndexFindsArrayElementsOnce() throws {
        let store = try TestStore()
        defer { store.close() }
        _ = try store.command(["createIndexes": "tagged", "indexes": .array([.document(["key": .document(["tags": 1]), "name": "tags_1"])])])
        _ = try store.command(["insert": "tagged", "documents": .array([
            .document(["_id": 1, "tags": .array(["a", "b", "a"])]), .document(["_id": 2, "tags": "b"]), .document(["_id": 3]),
            .document(["_id": 4, "tags": .array([1, 10])]),
        ])])
        let found = try store.command(["find": "tagged", "filter": .document(["tags": "b"]), "sort": .document(["_id": 1])])
        #expect(found.value(at: "cursor.firstBatch")?.arrayValue?.compactMap { $0.documentValue?["_id"] } == [1, 2])
        // Both bounds can be met by different elements: 1 < 5 and 10 > 5.
        let range = try store.command(["find": "tagged", "filter": .document(["tags": .document(["$gt": 5, "$lt": 2])])])
        #expect(range.value(at: "cursor.firstBatch")?.arrayValue?.compactMap { $0.documentValue?["_id"] } == [4])
    }

    @Test func idRangesAndIdOrderUseTheIdIndex() throws {
        let store = try TestStore()
        defer { store.close() }
        _ = try store.command(["insert": "ids", "documents": .array((0..<500).map { .document(["_id": .int32(Int32($0))]) })])
        let range: Document = ["find": "ids", "filter": .document(["_id": .document(["$gte": 100, "$lt": 110])])]
        #expect(try store.command(["explain": .document(range)]).value(at: "executionStats.totalDocsExamined") == .int64(10))
        let last: Document = ["find": "ids", "filter": .document([:]), "sort": .document(["_id": -1]), "limit": 2]
        let batch = try store.command(last).value(at: "cursor.firstBatch")?.arrayValue?.compactMap { $0.documentValue?["_id"] }
        #expect(batch == [499, 498])
        #expect(try store.command(["explain": .document(last)]).value(at: "executionStats.totalDocsExamined") == .int64(2))
    }

    @Test func unsupportedIndexTypesAreRefusedByName() throws {
        let store = try TestStore()
        defer { store.close() }
        let reply = try store.command(["createIndexes": "geo", "indexes": .array([
            .document(["key": .document(["geo": "2dsphere"]), "name": "geo_2dsphere"]),
        ])])
        #expect(reply["code"] == .int32(238))
        #expect(reply["errmsg"]?.stringValue?.contains("2dsphere") == true)
        let ttl = try store.command(["createIndexes": "geo", "indexes": .array([
            .document(["key": .document(["at": 1]), "name": "ttl", "expireAfterSeconds": 60]),
        ])])
        #expect(ttl["code"] == .int32(238))
    }
}
