import BSON
import Testing
@testable import EmbeddedMongo

@Suite struct QuerySmokeTests {
    @Test func matcherUpdateAndPipelineWorkTogether() throws {
        let documents = try jsonDocuments("""
        [{"_id": 1, "feed": "usgs", "mag": 4.5, "tags": ["a", "b"]},
         {"_id": 2, "feed": "usgs", "mag": 2},
         {"_id": 3, "feed": "velib", "mag": 7}]
        """)
        #expect(try matchingIds(#"{"feed": "usgs", "mag": {"$gte": 3}}"#, documents) == [1])
        #expect(try matchingIds(#"{"tags": "b"}"#, documents) == [1])
        let updated = try UpdateEngine.apply(try json(#"{"$inc": {"mag": 1}, "$set": {"x.y": true}}"#), to: documents[1], isInsert: false)
        #expect(updated.document == (try json(#"{"_id": 2, "feed": "usgs", "mag": 3, "x": {"y": true}}"#)))
        let pipeline = try Pipeline(stages: try jsonArray(#"[{"$group": {"_id": "$feed", "n": {"$sum": 1}}}, {"$sort": {"_id": 1}}]"#))
        let grouped = try pipeline.run(documents)
        #expect(grouped == (try jsonDocuments(#"[{"_id": "usgs", "n": 2}, {"_id": "velib", "n": 1}]"#)))
    }
}
