import BSON
import Mongo
import Testing

@Suite struct IndexAndWriteErrorTests {
    @Test func uniqueCompoundIndexRejectsDuplicatesWithCode11000() throws {
        let (_, database) = try TestServer.freshDatabase()
        defer { try? database.drop() }
        let readings = try database.collection("readings")
        let name = try readings.createIndex(["feed": 1, "key": 1, "at": 1], unique: true)
        #expect(name == "feed_1_key_1_at_1")
        #expect(try readings.listIndexes().contains { $0["name"] == .string(name) && $0["unique"] == true })

        let at = BSONValue.datetime(1_722_067_380_000)
        try readings.insertOne(["feed": "usgs", "key": "a", "at": at])
        #expect {
            try readings.insertOne(["feed": "usgs", "key": "a", "at": at])
        } throws: { error in
            (error as? MongoError)?.isDuplicateKey == true && (error as? MongoError)?.code == 11000
        }
    }

    @Test func unorderedInsertManyKeepsGoingAndReportsEachFailure() throws {
        let (_, database) = try TestServer.freshDatabase()
        defer { try? database.drop() }
        let items = try database.collection("items")
        try items.createIndex(["k": 1], unique: true)
        let batch: [Document] = [["k": 1], ["k": 1], ["k": 2], ["k": 2], ["k": 3]]

        let unordered = try items.insertMany(batch, ordered: false)
        #expect(unordered.insertedCount == 3)
        #expect(unordered.writeErrors.map(\.index) == [1, 3])
        #expect(unordered.writeErrors.allSatisfy { $0.isDuplicateKey })

        try items.drop()
        try items.createIndex(["k": 1], unique: true)
        let ordered = try items.insertMany(batch, ordered: true)
        #expect(ordered.insertedCount == 1, "an ordered insert stops at the first failure")
        #expect(ordered.writeErrors.map(\.index) == [1])
    }

    @Test func bulkUpsertsCountInsertedMatchedModified() throws {
        let (_, database) = try TestServer.freshDatabase()
        defer { try? database.drop() }
        let items = try database.collection("items")
        func upsert(_ key: String, _ value: Int32) -> WriteModel {
            .updateOne(filter: ["k": .string(key)], update: ["$set": ["v": .int32(value)]], upsert: true)
        }
        let first = try items.bulkWrite([upsert("a", 1), upsert("b", 2)], ordered: false)
        #expect(first.upsertedCount == 2 && first.upsertedIds.keys.sorted() == [0, 1])
        let second = try items.bulkWrite([upsert("a", 1), upsert("b", 3), upsert("c", 4)], ordered: false)
        #expect(second.upsertedCount == 1)
        #expect(second.matchedCount == 2)
        #expect(second.modifiedCount == 1, "an upsert that changes nothing is matched but not modified")
    }
}
