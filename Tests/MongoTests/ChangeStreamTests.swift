import BSON
import Mongo
import Testing

@Suite struct ChangeStreamTests {
    /// Reads events until `count` arrived or `attempts` empty waits passed.
    private func events(_ stream: ChangeStream, count: Int, attempts: Int = 50) throws -> [Document] {
        var events = [Document]()
        var empty = 0
        while events.count < count, empty < attempts {
            if let event = try stream.next() { events.append(event) } else { empty += 1 }
        }
        return events
    }

    @Test func streamsInsertsUpdatesDeletesAndResumes() throws {
        let (_, database) = try TestServer.freshDatabase()
        defer { try? database.drop() }
        let readings = try database.collection("readings")
        try readings.insertOne(["seed": true])  // the collection exists before watching
        let options = ChangeStreamOptions(fullDocument: "updateLookup", maxAwaitTimeMS: 200)
        let stream = try readings.watch(options: options)

        let id = try readings.insertOne(["feed": "usgs", "v": 1])
        try readings.updateOne(["_id": id], ["$set": ["v": 2]])
        // updateLookup reads the document when the event is read, so read before deleting it.
        var seen = try events(stream, count: 2)
        try readings.deleteOne(["_id": id])
        seen += try events(stream, count: 1)
        #expect(seen.map { $0["operationType"] } == ["insert", "update", "delete"])
        #expect(seen[0].value(at: "fullDocument.v") == .int32(1))
        #expect(seen[1].value(at: "updateDescription.updatedFields.v") == .int32(2))
        #expect(seen[1].value(at: "fullDocument.v") == .int32(2), "updateLookup returns the current document")
        #expect(seen[2].value(at: "documentKey._id") == id)
        #expect(seen[0].value(at: "ns.coll") == "readings")

        // Resume after the first event: exactly the two later events come again, in order.
        let token = try #require(seen[0]["_id"]?.documentValue)
        let resumed = try readings.watch(options: ChangeStreamOptions(resumeAfter: token, maxAwaitTimeMS: 200))
        let again = try events(resumed, count: 2)
        #expect(again.map { $0["operationType"] } == ["update", "delete"])
        #expect(try resumed.next() == nil, "nothing is repeated")
        #expect(resumed.resumeToken != nil)
    }

    @Test func emptyStreamReturnsNilWithinTheAwaitTime() throws {
        let (_, database) = try TestServer.freshDatabase()
        defer { try? database.drop() }
        let quiet = try database.collection("quiet")
        try quiet.insertOne(["x": 1])
        let stream = try quiet.watch(options: ChangeStreamOptions(maxAwaitTimeMS: 50))
        #expect(try stream.next() == nil)
    }
}
