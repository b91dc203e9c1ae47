import BSON
import Feeds
import Foundation
import Mongo

/// `vigie rollup [--hours N]`: hourly aggregates of `readings` into `rollups_hourly` through the aggregation
/// pipeline (idempotent: each hour is recomputed and upserted), then retention: raw files that are summarised
/// and older than VIGIE_RETENTION_DAYS, and old readings of the high-volume feeds.
public struct RollupRunner: Sendable {
    public var settings: JobSettings
    public var log: JobLog
    public var database: JobDatabase
    public var now: @Sendable () -> Date

    /// Feeds whose per-key readings are deleted after the retention (their rollups stay). Vélib' writes
    /// ~1,500 station readings a minute; its `_network` reading is kept.
    public static let highVolumeFeeds = ["velib"]
    static let keptKeys = ["_network"]

    public init(settings: JobSettings, log: JobLog = JobLog(), database: JobDatabase? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.log = log
        self.database = database ?? JobDatabase(settings: settings)
        self.now = now
    }

    /// What one run did.
    public struct Outcome: Sendable {
        public var from: Date
        public var to: Date
        public var rollups = 0
        public var inserted = 0
        public var updated = 0
        public var rawFilesPruned = 0
        public var readingsPruned = 0
    }

    /// Rolls up the `hours` whole hours before the current one, and the current hour so far.
    public func run(hours: Int = 3) throws(JobFailure) -> Outcome {
        let current = Self.hourStart(now())
        return try run(from: current.addingTimeInterval(-Double(hours) * 3600), to: current.addingTimeInterval(3600))
    }

    /// Rolls up readings with `from <= at < to` (both hour boundaries), then prunes.
    public func run(from: Date, to: Date) throws(JobFailure) -> Outcome {
        let store = try database.store()
        var outcome = Outcome(from: from, to: to)
        do {
            let rollups = try compute(store.readings, from: from, to: to)
            outcome.rollups = rollups.count
            let models = rollups.map { WriteModel.updateOne(filter: $0.filter, update: $0.update, upsert: true) }
            var start = 0
            while start < models.count {
                let result = try store.rollups.bulkWrite(Array(models[start..<min(models.count, start + 5000)]), ordered: false)
                outcome.inserted += result.upsertedCount
                outcome.updated += result.modifiedCount
                if let first = result.writeErrors.first {
                    throw JobFailure(.database, "rollups_hourly refused \(result.writeErrors.count) rollup(s): \(first.message)")
                }
                start += 5000
            }
        } catch let failure as JobFailure {
            throw failure
        } catch {
            throw JobDatabase.failure(error, doing: "rolling up readings")
        }
        let pruner = RetentionPruner(settings: settings, log: log, store: store, now: now)
        outcome.rawFilesPruned = try pruner.pruneRawFiles()
        outcome.readingsPruned = try pruner.pruneReadings(feeds: Self.highVolumeFeeds, keeping: Self.keptKeys)
        log.event("rollup", ["from": ISOText.format(from), "to": ISOText.format(to), "rollups": outcome.rollups,
                             "inserted": outcome.inserted, "updated": outcome.updated,
                             "raw_pruned": outcome.rawFilesPruned, "readings_pruned": outcome.readingsPruned])
        return outcome
    }

    /// The rollups of `[from, to)`: per feed, one pipeline groups by key and `$dateTrunc` hour and
    /// accumulates min/max/avg of every value the feed declares (a value absent from an hour is left out).
    func compute(_ readings: Collection, from: Date, to: Date) throws -> [HourlyRollup] {
        var rollups: [HourlyRollup] = []
        for feed in FeedRegistry.all {
            var group: Document = ["_id": ["key": "$key", "hour": ["$dateTrunc": ["date": "$at", "unit": "hour"]]],
                                   "count": ["$sum": 1]]
            for field in feed.fields.map(\.name) {
                for statistic in ["min", "max", "avg"] {
                    group["\(statistic)__\(field)"] = .document(["$\(statistic)": .string("$values.\(field)")])
                }
            }
            let results = try readings.aggregate([
                ["$match": ["feed": .string(feed.id), "at": ["$gte": ISOText.bson(from), "$lt": ISOText.bson(to)]]],
                ["$group": .document(group)],
            ]).toArray()
            for document in results {
                guard let id = document["_id"]?.documentValue, let key = id["key"]?.stringValue,
                      let hour = id["hour"]?.datetimeValue, let count = document["count"]?.int64Value else { continue }
                var stats: [String: HourlyRollup.FieldStats] = [:]
                for field in feed.fields.map(\.name) {
                    guard let min = document["min__\(field)"]?.doubleValue, let max = document["max__\(field)"]?.doubleValue,
                          let avg = document["avg__\(field)"]?.doubleValue else { continue }
                    stats[field] = HourlyRollup.FieldStats(min: min, max: max, avg: avg)
                }
                rollups.append(HourlyRollup(feed: feed.id, key: key, hour: ISOText.date(milliseconds: hour),
                                            count: Int(count), stats: stats))
            }
        }
        return rollups.sorted { ($0.feed, $0.key, $0.hour) < ($1.feed, $1.key, $1.hour) }
    }

    static func hourStart(_ date: Date) -> Date {
        let milliseconds = ISOText.milliseconds(date)
        return ISOText.date(milliseconds: milliseconds - ((milliseconds % 3_600_000) + 3_600_000) % 3_600_000)
    }
}
