import Testing
@testable import BSON

@Suite struct PlainJSONTests {
    @Test func rendersReadingsForBrowsers() {
        let reading: Document = [
            "_id": .objectId(ObjectId(hex: "66a4a3f0c2b1e5d4a3f0c2b1")!),
            "feed": "usgs", "at": .datetime(1_722_067_380_000),
            "values": ["mag": 4.6, "depth": 10.0, "felt": .int64(3)],
            "tags": ["place": "10 km \"N\" of\nTown"],
            "bad": .double(.nan),
        ]
        #expect(PlainJSON.string(reading) == """
        {"_id":"66a4a3f0c2b1e5d4a3f0c2b1","feed":"usgs","at":"2024-07-27T08:03:00.000Z",\
        "values":{"mag":4.6,"depth":10,"felt":3},"tags":{"place":"10 km \\"N\\" of\\nTown"},"bad":null}
        """)
    }
}
