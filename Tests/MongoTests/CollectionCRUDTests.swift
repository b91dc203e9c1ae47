import BSON
import Mongo
import Testing

@Suite struct CollectionCRUDTests {
    @Test func insertFindUpdateDelete() throws {
        let (_, database) = try TestServer.freshDatabase()
        defer { try? database.drop() }
        let readings = try database.collection("readings")

        let id = try readings.insertOne(["feed": "usgs", "key": "a", "values": ["mag": 4.6]])
        #expect(id.objectIdValue != nil, "an ObjectId _id is generated")
        let found = try #require(try readings.findOne(["_id": id]))
        #expect(found.keys.first == "_id")
        #expect(found.value(at: "values.mag") == .double(4.6))

        let many = try readings.insertMany((1...5).map { ["feed": "velib", "key": .string("s\($0)"), "n": .int32(Int32($0))] })
        #expect(many.insertedCount == 5)
        #expect(try readings.countDocuments(["feed": "velib"]) == 5)

        let page = try readings.find(["feed": "velib"], options: FindOptions(sort: ["n": -1], limit: 2, skip: 1, projection: ["n": 1, "_id": 0])).toArray()
        #expect(page == [["n": 4], ["n": 3]])

        let updated = try readings.updateOne(["key": "s1"], ["$set": ["n": 10]])
        #expect(updated.matchedCount == 1 && updated.modifiedCount == 1)
        let upserted = try readings.updateOne(["key": "new"], ["$set": ["n": 7]], upsert: true)
        #expect(upserted.upsertedId != nil)
        let bulk = try readings.updateMany(["feed": "velib"], ["$inc": ["n": 1]])
        #expect(bulk.matchedCount == 5)
        #expect(try readings.findOne(["key": "s1"])?["n"] == .int32(11))

        #expect(try readings.deleteOne(["key": "new"]) == 1)
        #expect(try readings.deleteMany(["feed": "velib"]) == 5)
        #expect(try readings.countDocuments() == 1)
    }

    @Test func aggregateGroupsAndSorts() throws {
        let (_, database) = try TestServer.freshDatabase()
        defer { try? database.drop() }
        let readings = try database.collection("readings")
        try readings.insertMany([
            ["feed": "usgs", "v": 1.0], ["feed": "usgs", "v": 3.0], ["feed": "velib", "v": 10.0],
        ])
        let groups = try readings.aggregate([
            ["$group": ["_id": "$feed", "n": ["$sum": 1], "avg": ["$avg": "$v"]]],
            ["$sort": ["_id": 1]],
        ]).toArray()
        #expect(groups.count == 2)
        #expect(groups[0]["_id"] == "usgs")
        #expect(groups[0]["n"]?.int64Value == 2)
        #expect(groups[0]["avg"]?.doubleValue == 2.0)
        #expect(groups[1]["avg"]?.doubleValue == 10.0)
    }

    @Test func cursorIsLazyAcrossBatches() throws {
        let (_, database) = try TestServer.freshDatabase()
        defer { try? database.drop() }
        let items = try database.collection("items")
        try items.insertMany((0..<250).map { ["i": .int32(Int32($0))] })
        var seen = [Int64]()
        for result in try items.find(options: FindOptions(sort: ["i": 1], batchSize: 20)) {
            seen.append(try result.get()["i"]?.int64Value ?? -1)
        }
        #expect(seen == (0..<250).map(Int64.init))
    }
}
