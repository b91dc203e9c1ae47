import Foundation
import Testing
@testable import Feeds

@Suite struct USGSFeedTests {
    let feed = USGSFeed()

    func normalise(_ path: String) throws -> NormalisedPayload {
        try feed.normalise(try Fixtures.data(path))
    }

    @Test(arguments: [
        ("usgs/all_hour_2024-07-27.geojson", 4),
        ("usgs/all_hour_2022-10-01.geojson", 5),
        ("usgs/all_day_2022-09-29.geojson", 244),
        ("usgs/significant_month_2023-10-11.geojson", 18),
    ])
    func everyRecordedFeatureBecomesAReading(path: String, count: Int) throws {
        let result = try normalise(path)
        #expect(result.recordsSeen == count)
        #expect(result.readings.count == count)
        #expect(result.rejected.isEmpty, "\(result.rejected)")
        for reading in result.readings {
            #expect(reading.feed == "usgs")
            #expect(reading.values["mag"] != nil)
            #expect(reading.values["depth"] != nil)
            #expect(reading.tags["place"] != nil)
            #expect(reading.tags["updated"] != nil)
            #expect(reading.geo != nil)
        }
    }

    @Test func firstFeatureIsReadFieldByField() throws {
        let reading = try #require(try normalise("usgs/all_hour_2024-07-27.geojson").readings.first)
        #expect(reading.key == "ak0249lrqtvf")
        #expect(epoch(reading.at) == 1_722_066_201.237)  // properties.time is in milliseconds
        #expect(reading.values == ["mag": 1.6, "depth": 33.2, "sig": 39, "tsunami": 0])  // felt null -> absent
        #expect(reading.geo == GeoPoint(lon: -149.8845, lat: 61.8313))
        #expect(reading.tags["place"] == "12 km NE of Willow, Alaska")
        #expect(reading.tags["magType"] == "ml")
        #expect(reading.tags["status"] == "automatic")
        #expect(reading.tags["net"] == "ak")
        #expect(reading.tags["title"] == "M 1.6 - 12 km NE of Willow, Alaska")
        #expect(reading.tags["url"] == "https://earthquake.usgs.gov/earthquakes/eventpage/ak0249lrqtvf")
        #expect(reading.tags["alert"] == nil)  // null alert -> no tag
        #expect(reading.tags["updated"] == "2024-07-27T07:45:47.748Z")
    }

    @Test func negativeMagnitudesAndDepthsAndIntegerMagnitudesSurvive() throws {
        let readings = try normalise("usgs/all_day_2022-09-29.geojson").readings
        #expect(readings.filter { ($0.values["mag"] ?? 0) < 0 }.count == 5)
        #expect(readings.filter { ($0.values["depth"] ?? 0) < 0 }.count == 12)
        let smallest = try #require(readings.first { $0.key == "uu60518342" })
        #expect(smallest.values["mag"] == -0.34)
        let integerMagnitude = try #require(readings.first { $0.key == "nc73787051" })
        #expect(integerMagnitude.values["mag"] == 1)
        #expect(readings.filter { $0.values["felt"] != nil }.count == 22)
        #expect(readings.filter { $0.tags["type"] == "quarry blast" }.count == 5)
    }

    @Test func alertsAndSignificanceOfTheSignificantFeed() throws {
        let readings = try normalise("usgs/significant_month_2023-10-11.geojson").readings
        let afghanistan = try #require(readings.first { $0.key == "us6000len8" })
        #expect(afghanistan.values["sig"] == 2029)
        #expect(afghanistan.values["mag"] == 6.3)
        #expect(afghanistan.tags["alert"] == "red")
        #expect(readings.filter { $0.tags["alert"] != nil }.count == 17)
    }

    @Test func aRevisionChangesTheReadingButNotItsIdentity() throws {
        let original = #"{"type":"FeatureCollection","features":[{"type":"Feature","id":"us1","properties":{"mag":4.5,"time":1700000000000,"updated":1700000100000,"status":"automatic"},"geometry":{"type":"Point","coordinates":[10,20,5]}}]}"#
        let revised = original.replacingOccurrences(of: #""mag":4.5"#, with: #""mag":4.7"#)
            .replacingOccurrences(of: "1700000100000", with: "1700003600000")
            .replacingOccurrences(of: "automatic", with: "reviewed")
        let before = try #require(try feed.normalise(Data(original.utf8)).readings.first)
        let after = try #require(try feed.normalise(Data(revised.utf8)).readings.first)
        #expect(before.key == after.key)
        #expect(before.at == after.at)  // same unique key {feed, key, at}: the upsert updates
        #expect(before != after)
        #expect(after.values["mag"] == 4.7)
        #expect(after.tags["status"] == "reviewed")
        #expect(after.tags["updated"] == "2023-11-14T23:13:20.000Z")
    }

    @Test func badFeaturesAreRejectedOneByOneAndTheOthersKept() throws {
        let payload = #"""
        {"type":"FeatureCollection","features":[
          {"type":"Feature","id":"ok1","properties":{"mag":"2.5","time":1700000000000},"geometry":{"coordinates":[1,2,3]}},
          {"type":"Feature","properties":{"mag":1,"time":1700000000000},"geometry":{"coordinates":[1,2,3]}},
          {"type":"Feature","id":"notime","properties":{"mag":1},"geometry":{"coordinates":[1,2,3]}},
          {"type":"Feature","id":"badmag","properties":{"mag":"strong","time":1700000000000},"geometry":{"coordinates":[1,2,3]}},
          {"type":"Feature","id":"seconds","properties":{"mag":1,"time":1700000000},"geometry":{"coordinates":[1,2,3]}},
          {"type":"Feature","id":"nomag","properties":{"mag":null,"time":1700000000000},"geometry":null},
          "garbage"
        ]}
        """#
        let result = try feed.normalise(Data(payload.utf8))
        #expect(result.recordsSeen == 7)
        #expect(result.readings.map(\.key) == ["ok1", "nomag"])
        #expect(result.readings[0].values["mag"] == 2.5)  // number sent as a string
        #expect(result.readings[1].values.isEmpty)
        #expect(result.readings[1].geo == nil)
        #expect(result.rejected.map(\.index) == [1, 2, 3, 4, 6])
        #expect(result.rejected[0].reason == "missing id")
        #expect(result.rejected[1].reason == "missing time")
        #expect(result.rejected[1].key == "notime")
        #expect(result.rejected[2].reason.contains("mag is the string \"strong\""))
        #expect(result.rejected[3].reason.contains("milliseconds"))
        #expect(result.rejected[4].reason.contains("expected an object"))
    }

    @Test func anEmptyFeatureListIsValidAndEmpty() throws {
        let result = try feed.normalise(Data(#"{"type":"FeatureCollection","metadata":{"count":0},"features":[]}"#.utf8))
        #expect(result == NormalisedPayload())
    }

    @Test func aRenamedFeaturesMemberIsAPayloadError() {
        #expect(throws: FeedPayloadError.unexpectedShape(feed: "usgs", document: "summary",
                                                          detail: "no \"features\" array (type FeatureCollection)")) {
            try feed.normalise(Data(#"{"type":"FeatureCollection","items":[]}"#.utf8))
        }
    }

    @Test func requestsTheRealPathOnTheOverriddenOrigin() throws {
        #expect(feed.primaryDocument.url() == "https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/all_hour.geojson")
        let origin = try FeedOrigin(parsing: "http://127.0.0.1:8099/")
        #expect(feed.primaryDocument.url(origin: origin) == "http://127.0.0.1:8099/earthquakes/feed/v1.0/summary/all_hour.geojson")
        #expect(USGSFeed(summary: "all_day").primaryDocument.pathAndQuery.hasSuffix("/all_day.geojson"))
    }
}
