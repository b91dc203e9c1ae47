import BSON
import Foundation
import Mongo
import Testing
@testable import Jobs

@Suite(.serialized) struct RollupTests {
    /// Replays recorded payloads into the test's database.
    static func replay(_ settings: JobSettings, _ feed: String, _ fixture: String) throws {
        let outcome = Replayer(settings: settings, log: JobLog(sink: { _ in })).run(feed: feed, files: [TestFixtures.path(fixture)])
        if let failure = outcome.failure { throw failure }
    }

    @Test func rollupOfARecordedDayMatchesValuesComputedFromThePayload() throws {
        let settings = try TestStore.settings()
        defer { TestStore.cleanUp(settings) }
        try Self.replay(settings, "eco2mix", "eco2mix/eco2mix_national_tr_results_2025-08-22.json")
        try Self.replay(settings, "usgs", "usgs/all_day_2022-09-29.geojson")
        let runner = RollupRunner(settings: settings, log: JobLog(sink: { _ in }))

        let day = try runner.run(from: RecordedDay.utc("2025-08-22T00:00:00Z"), to: RecordedDay.utc("2025-08-23T00:00:00Z"))
        #expect(day.rollups == 24)
        #expect(day.inserted == 24)
        let store = try TestStore.store(settings)
        let rollups = try store.rollups.find(["feed": "eco2mix"], options: FindOptions(sort: ["hour": 1])).toArray()
            .compactMap(HourlyRollup.init)
        #expect(rollups.count == 24)

        let records = try RecordedDay.eco2mixRecords()
        #expect(records.count == 96)
        let byHour = Dictionary(grouping: records) { Int($0.at.timeIntervalSince1970) / 3600 * 3600 }
        for rollup in rollups {
            let hour = try #require(byHour[Int(rollup.hour.timeIntervalSince1970)])
            #expect(rollup.key == "france")
            #expect(rollup.count == hour.count)
            for field in ["consommation", "nucleaire", "eolien_terrestre", "taux_co2"] {
                let values = hour.compactMap { $0.values[field] }
                let stats = try #require(rollup.stats[field], "no \(field) in \(rollup.hour)")
                #expect(stats.min == values.min())
                #expect(stats.max == values.max())
                #expect(abs(stats.avg - values.reduce(0, +) / Double(values.count)) < 1e-9)
            }
        }

        // Idempotent: a second run recomputes the same numbers and changes nothing.
        let again = try runner.run(from: RecordedDay.utc("2025-08-22T00:00:00Z"), to: RecordedDay.utc("2025-08-23T00:00:00Z"))
        #expect(again.rollups == 24 && again.inserted == 0 && again.updated == 0)
        #expect(try store.rollups.countDocuments(["feed": "eco2mix"]) == 24)

        // USGS: every event is its own key, so the counts add up to the events of the window.
        let from = RecordedDay.utc("2022-09-28T06:00:00Z"), to = RecordedDay.utc("2022-09-29T04:00:00Z")
        _ = try runner.run(from: from, to: to)
        let features = try RecordedDay.usgsFeatures().filter { $0.at >= from && $0.at < to }
        let usgs = try store.rollups.find(["feed": "usgs"]).toArray().compactMap(HourlyRollup.init)
        #expect(usgs.map(\.count).reduce(0, +) == features.count)
        let strongest = try #require(features.max { ($0.mag ?? -9) < ($1.mag ?? -9) })
        #expect(usgs.first { $0.key == strongest.id }?.stats["mag"]?.max == strongest.mag)
    }

    @Test func retentionPrunesSummarisedRawFilesAndOldStationReadings() throws {
        var settings = try TestStore.settings()
        settings.retentionDays = 2
        defer { TestStore.cleanUp(settings) }
        try Self.replay(settings, "usgs", "usgs/all_day_2022-09-29.geojson")
        let runner = RollupRunner(settings: settings, log: JobLog(sink: { _ in }))
        // Only the afternoon of 2022-09-28 is rolled up.
        _ = try runner.run(from: RecordedDay.utc("2022-09-28T12:00:00Z"), to: RecordedDay.utc("2022-09-28T18:00:00Z"))

        let features = try RecordedDay.usgsFeatures()
        func hasEvents(_ hour: Int) -> Bool {
            features.contains { Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: $0.at).hour == hour
                && $0.at >= RecordedDay.utc("2022-09-28T00:00:00Z") && $0.at < RecordedDay.utc("2022-09-29T00:00:00Z") }
        }
        let unsummarisedHour = try #require((4..<12).first(where: hasEvents))
        let raw = settings.home + "/raw/usgs/2022-09-28"
        try FileManager.default.createDirectory(atPath: raw, withIntermediateDirectories: true)
        let summarised = raw + "/143000Z.json"                                   // hour 14 is rolled up
        let unsummarised = raw + String(format: "/%02d3000Z.json", unsummarisedHour)  // readings, no rollup
        let today = RawArchive.stamp(Date())
        let recentDirectory = settings.home + "/raw/usgs/" + today.0
        try FileManager.default.createDirectory(atPath: recentDirectory, withIntermediateDirectories: true)
        let recent = recentDirectory + "/" + today.1 + ".json"
        for path in [summarised, unsummarised, recent] { try Data("{}".utf8).write(to: URL(fileURLWithPath: path)) }

        // Old Vélib' readings: a station (pruned), the network (kept), a station fetched recently (kept).
        let store = try TestStore.store(settings)
        let old = RecordedDay.utc("2022-09-28T10:00:00Z")
        _ = try store.upsert([.init(feed: "velib", key: "1001", at: old, values: ["bikes": 3]),
                              .init(feed: "velib", key: "_network", at: old, values: ["bikes": 9000])], fetchedAt: old)
        _ = try store.upsert([.init(feed: "velib", key: "1002", at: old, values: ["bikes": 4])], fetchedAt: Date())

        let outcome = try runner.run(hours: 1)
        #expect(outcome.rawFilesPruned == 1)
        #expect(!FileManager.default.fileExists(atPath: summarised))
        #expect(FileManager.default.fileExists(atPath: unsummarised))
        #expect(FileManager.default.fileExists(atPath: recent))
        #expect(outcome.readingsPruned == 1)
        let keys = try store.readings.find(["feed": "velib"]).toArray().compactMap { $0["key"]?.stringValue }.sorted()
        #expect(keys == ["1002", "_network"])
    }
}
