import BSON
import Foundation
import Mongo
import Testing
@testable import Jobs

/// `vigie fetch` end to end: fixture server on the real API paths -> raw archive -> readings in the store.
@Suite(.serialized) struct FetchEndToEndTests {
    @Test func usgsFetchStoresEverythingAndARerunChangesNothing() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        let payload = try TestFixtures.data("usgs/all_hour_2024-07-27.geojson")
        harness.server.script(APIPath.usgs, [.json(payload)])

        let first = harness.fetch("usgs")
        #expect(first.failure == nil, "\(String(describing: first.failure))")
        #expect(first.exitCode == 0)
        #expect(first.record.httpStatus == 200)
        #expect(first.record.records == 4)
        #expect(first.record.inserted == 4)
        #expect(first.record.bytes == payload.count)

        // The raw payload is kept byte for byte under raw/usgs/YYYY-MM-DD/HHMMSSZ.json.
        let rawPath = try #require(first.record.rawPath)
        #expect(FileManager.default.contents(atPath: rawPath) == payload)
        #expect(rawPath.range(of: #"/raw/usgs/\d{4}-\d\d-\d\d/\d{6}Z\.json$"#, options: .regularExpression) != nil)

        let readings = try harness.readings("usgs")
        #expect(readings.count == 4)
        let one = try #require(readings.first)
        #expect(one["values"]?.documentValue?["mag"]?.doubleValue != nil)
        #expect(one["geo"]?.documentValue?["lat"]?.doubleValue != nil)
        #expect(one["at"]?.datetimeValue != nil && one["fetchedAt"]?.datetimeValue != nil)
        let indexNames = try harness.store().readings.listIndexes().compactMap { $0["name"]?.stringValue }
        #expect(indexNames.contains("feed_1_key_1_at_1") && indexNames.contains("feed_1_at_-1"))

        harness.server.script(APIPath.usgs, [.json(payload)])
        let second = harness.fetch("usgs")
        #expect(second.failure == nil)
        #expect(second.record.inserted == 0)
        #expect(second.record.updated == 0)
        #expect(second.record.unchanged == 4)
        #expect(try harness.readings("usgs").count == 4)
        // fetchedAt is the first fetch's: an unchanged reading is not rewritten.
        #expect(try harness.readings("usgs").first?["fetchedAt"] == one["fetchedAt"])

        let fetches = try harness.fetches("usgs")
        #expect(fetches.count == 2)
        let record = fetches[0]
        for field in ["feed", "startedAt", "finishedAt", "ok", "httpStatus", "bytes", "records", "inserted", "updated",
                      "unchanged", "rejected", "error", "rawPath"] {
            #expect(record.contains(field), "fetches lacks \(field)")
        }
        #expect(record["ok"] == .bool(true))
        #expect(record["error"] == .null)
        #expect(fetches[1]["unchanged"]?.int64Value == 4)
        #expect(harness.lines.all.contains { $0.hasPrefix("event=fetch feed=usgs ok=true status=200") && $0.contains("inserted=4") })
    }

    @Test func aRevisedUSGSPayloadUpdatesTheReading() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        let time: Int64 = 1_764_756_000_000
        harness.server.script(APIPath.usgs, [
            .json(TestFixtures.usgsPayload([("us1", time, time + 60_000, 4.1), ("us2", time + 5_000, time + 60_000, 2.0)])),
            .json(TestFixtures.usgsPayload([("us1", time, time + 900_000, 4.6), ("us2", time + 5_000, time + 60_000, 2.0),
                                            ("us3", time + 9_000, time + 60_000, 3.3)])),
        ])
        let first = harness.fetch("usgs")
        #expect(first.record.inserted == 2)
        let before = try harness.readings("usgs")
        let second = harness.fetch("usgs")
        #expect(second.failure == nil)
        #expect(second.record.inserted == 1)
        #expect(second.record.updated == 1)
        #expect(second.record.unchanged == 1)
        let after = try harness.readings("usgs")
        #expect(after.count == 3)
        let revised = try #require(after.first { $0["key"] == "us1" })
        #expect(revised.value(at: "values.mag")?.doubleValue == 4.6)
        #expect(revised.value(at: "tags.updated")?.stringValue == ISOText.format(Date(timeIntervalSince1970: Double(time + 900_000) / 1000)))
        #expect(revised["_id"] == before.first { $0["key"] == "us1" }?["_id"])
        #expect(revised["fetchedAt"] == before.first { $0["key"] == "us1" }?["fetchedAt"])
    }

    @Test func eco2mixValuesFilledInLaterAreUpdates() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        func payload(nucleaire: String) -> Data {
            Data("""
                {"total_count": 2, "results": [
                  {"date_heure": "2025-08-22T10:00:00+00:00", "consommation": 45000, "nucleaire": \(nucleaire), "solaire": "12000"},
                  {"date_heure": "2025-08-22T09:45:00+00:00", "consommation": 44000, "nucleaire": 30000, "solaire": 11000}
                ]}
                """.utf8)
        }
        harness.server.script(APIPath.eco2mix, [.json(payload(nucleaire: "null")), .json(payload(nucleaire: "31000"))])
        let first = harness.fetch("eco2mix")
        #expect(first.failure == nil, "\(String(describing: first.failure))")
        #expect(first.record.inserted == 2)
        var latest = try #require(try harness.readings("eco2mix").first { $0["at"] == .datetime(ISODate.parse("2025-08-22T10:00:00Z")!) })
        #expect(latest.value(at: "values.nucleaire") == nil)
        #expect(latest.value(at: "values.solaire")?.doubleValue == 12000)

        let second = harness.fetch("eco2mix")
        #expect(second.record.updated == 1)
        #expect(second.record.unchanged == 1)
        #expect(second.record.inserted == 0)
        latest = try #require(try harness.readings("eco2mix").first { $0["at"] == .datetime(ISODate.parse("2025-08-22T10:00:00Z")!) })
        #expect(latest.value(at: "values.nucleaire")?.doubleValue == 31000)
        // The request carried the feed's own path and query on the fixture origin.
        #expect(harness.server.received.first?.target.contains("order_by=date_heure") == true)
    }

    @Test func velibJoinsStationInformationCachesItAndKeepsBothRawDocuments() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        let status = try TestFixtures.data("velib/velib_station_status_2025-10-18.json")
        let information = try TestFixtures.data("velib/velib_station_information_2025-10-18.json")
        harness.server.script(APIPath.velibStatus, [.json(status)])
        harness.server.script(APIPath.velibInformation, [.json(information)])

        let first = harness.fetch("velib")
        #expect(first.failure == nil, "\(String(describing: first.failure))")
        #expect(first.record.records == 1495)
        // Every station reading plus the _network one; the stations' rejects are counted, not stored.
        #expect(first.record.inserted == 1495 - first.record.rejected + 1)
        let raw = harness.rawFiles("velib")
        #expect(raw.count == 2)
        #expect(raw.contains { $0.hasSuffix("Z.station_information.json") })
        #expect(FileManager.default.fileExists(atPath: harness.settings.home + "/cache/velib/station_information.json"))

        let store = try harness.store()
        let network = try #require(try store.readings.findOne(["feed": "velib", "key": "_network"]))
        #expect((network.value(at: "values.bikes")?.doubleValue ?? 0) > 1000)
        let named = try store.readings.countDocuments(["feed": "velib", "tags.name": ["$exists": true]])
        #expect(named > 1400)

        // Second run: station information is fresh in the cache, so only the status is requested.
        let second = harness.fetch("velib")
        #expect(second.failure == nil)
        #expect(second.record.inserted == 0)
        #expect(second.record.updated == 0)
        #expect(harness.server.received.filter { $0.path == APIPath.velibInformation }.count == 1)
        #expect(harness.server.received.filter { $0.path == APIPath.velibStatus }.count == 2)

        // A copy older than a day is fetched again.
        let cached = harness.settings.home + "/cache/velib/station_information.json"
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-2 * 86_400)], ofItemAtPath: cached)
        let third = harness.fetch("velib")
        #expect(third.failure == nil)
        #expect(harness.server.received.filter { $0.path == APIPath.velibInformation }.count == 2)
        let age = try #require(try FileManager.default.attributesOfItem(atPath: cached)[.modificationDate] as? Date)
        #expect(Date().timeIntervalSince(age) < 60)
    }

    @Test func conditionalRequestsMakeAnUnchangedPayloadCostNothing() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        let payload = try TestFixtures.data("usgs/all_hour_2022-10-01.geojson")
        harness.server.script(APIPath.usgs, [
            .json(payload, headers: [("ETag", "\"v1\""), ("Last-Modified", "Sat, 01 Oct 2022 02:10:19 GMT")]),
            FixtureResponse(status: 304, headers: [("ETag", "\"v1\"")]),
        ])
        let first = harness.fetch("usgs")
        #expect(first.record.inserted == 5)
        let second = harness.fetch("usgs")
        #expect(second.failure == nil)
        #expect(second.record.httpStatus == 304)
        #expect(second.record.records == 0 && second.record.inserted == 0)
        #expect(harness.rawFiles("usgs").count == 1)
        let conditional = try #require(harness.server.received.last)
        #expect(conditional.headers["if-none-match"] == "\"v1\"")
        #expect(conditional.headers["if-modified-since"] == "Sat, 01 Oct 2022 02:10:19 GMT")
        #expect(try harness.fetches("usgs").last?["httpStatus"]?.int64Value == 304)

        // Another database has never received this payload: the request is not conditional there.
        var other = harness.settings
        other.databaseName += "_other"
        defer { TestStore.cleanUp(JobSettings(mongoURI: other.mongoURI, databaseName: other.databaseName, home: other.home + "_none")) }
        harness.server.script(APIPath.usgs, [.json(payload)])
        let elsewhere = harness.runner(settings: other).run(feed: "usgs", origin: harness.server.origin)
        #expect(elsewhere.record.inserted == 5)
        #expect(harness.server.received.last?.headers["if-none-match"] == nil)
    }

    @Test func readingsAlreadyStoredAreNotResentUntilTheHourlyReconcile() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        harness.server.script(APIPath.usgs, [.json(try TestFixtures.data("usgs/all_hour_2024-07-27.geojson"))])
        let start = Date()
        func runner(at offset: TimeInterval) -> FetchRunner {
            var runner = harness.runner()
            runner.now = { start.addingTimeInterval(offset) }
            return runner
        }
        #expect(runner(at: 0).run(feed: "usgs", origin: harness.server.origin).record.inserted == 4)
        // Someone deletes a reading; ten minutes later the same payload is skipped entirely (nothing sent).
        try harness.store().readings.deleteOne(["feed": "usgs"])
        let skipped = runner(at: 600).run(feed: "usgs", origin: harness.server.origin)
        #expect(skipped.record.unchanged == 4 && skipped.record.inserted == 0)
        #expect(harness.lines.all.contains { $0.hasPrefix("event=readings_already_stored feed=usgs skipped=4 sent=0") })
        #expect(try harness.readings("usgs").count == 3)
        // After the reconcile period every reading is sent again and the missing one comes back.
        let reconciled = runner(at: 3700).run(feed: "usgs", origin: harness.server.origin)
        #expect(reconciled.record.inserted == 1 && reconciled.record.unchanged == 3)
        #expect(try harness.readings("usgs").count == 4)
    }

    @Test func demoModeReplaysRecordedPayloadsMovedToNow() throws {
        let harness = try FetchHarness { $0.fixturesDirectory = TestFixtures.directory }
        defer { harness.cleanUp() }
        let runner = harness.runner()
        let first = runner.run(feed: "usgs", demo: true)
        #expect(first.failure == nil, "\(String(describing: first.failure))")
        #expect(first.record.inserted == 4)
        #expect(first.record.source == "demo")
        let second = runner.run(feed: "usgs", demo: true)
        #expect(second.record.records == 244)  // the cycle moved on to the next recorded payload
        let latest = try #require(try harness.store().readings.findOne(["feed": "usgs"], sort: ["at": -1]))
        let latestAt = try #require(latest["at"]?.datetimeValue)
        #expect(abs(Double(latestAt) / 1000 - Date().timeIntervalSince1970) < 120)
        #expect(harness.server.received.isEmpty)
        #expect(harness.rawFiles("usgs").isEmpty)
    }
}
