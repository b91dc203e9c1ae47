import BSON
import Feeds
import Foundation
import Mongo
import Testing
@testable import Jobs

@Suite(.serialized) struct ReadingStoreTests {
    @Test func insertsFirstAndUpsertsCountTheSame() throws {
        let settings = try TestStore.settings()
        defer { TestStore.cleanUp(settings) }
        let store = try TestStore.store(settings)
        let at = RecordedDay.utc("2025-08-22T10:00:00Z")
        func reading(_ key: String, _ value: Double) -> Reading {
            Reading(feed: "usgs", key: key, at: at, values: ["mag": value, "depth": 10], tags: ["place": "P \(key)"],
                    geo: GeoPoint(lon: 2.35, lat: 48.85))
        }
        let first = try store.upsert([reading("a", 1), reading("b", 2), reading("c", 3)], fetchedAt: at)
        #expect((first.inserted, first.updated, first.unchanged) == (3, 0, 0))

        // Inserts first: the new one is inserted, the duplicates are upserted (one revised, one identical).
        let mixed = try store.upsert([reading("a", 1), reading("b", 2.5), reading("d", 4)], fetchedAt: at.addingTimeInterval(60),
                                     expectingNew: true)
        #expect((mixed.inserted, mixed.updated, mixed.unchanged) == (1, 1, 1))
        #expect(mixed.failed.isEmpty)

        let again = try store.upsert([reading("a", 1), reading("b", 2.5), reading("d", 4)], fetchedAt: at, expectingNew: false)
        #expect((again.inserted, again.updated, again.unchanged) == (0, 0, 3))

        // Both paths write the same document shape; fetchedAt is the first store's.
        let inserted = try #require(try store.readings.findOne(["key": "d"]))
        let upserted = try #require(try store.readings.findOne(["key": "a"]))
        #expect(inserted.keys.sorted() == upserted.keys.sorted())
        #expect(upserted["fetchedAt"] == .datetime(ISOText.milliseconds(at)))
        #expect(try store.readings.findOne(["key": "b"])?.value(at: "values.mag")?.doubleValue == 2.5)
        #expect(try store.readings.countDocuments(["feed": "usgs"]) == 4)
    }
}
