import BSON
import Foundation
import Mongo

/// One hour of one feed/key in `rollups_hourly`: `{feed, key, hour, count, stats: {field: {min, max, avg}}}`.
public struct HourlyRollup: Sendable, Equatable {
    public var feed: String
    public var key: String
    /// Start of the hour, UTC.
    public var hour: Date
    public var count: Int
    public var stats: [String: FieldStats]

    /// Minimum, maximum and mean of one value over the hour.
    public struct FieldStats: Sendable, Equatable {
        public var min: Double
        public var max: Double
        public var avg: Double
    }

    var filter: Document {
        ["feed": .string(feed), "key": .string(key), "hour": ISOText.bson(hour)]
    }

    var update: Document {
        let statsDocument = Document(stats.sorted { $0.key < $1.key }.map { field, value in
            (field, BSONValue.document(["min": .double(value.min), "max": .double(value.max), "avg": .double(value.avg)]))
        })
        return ["$set": ["count": .int64(Int64(count)), "stats": .document(statsDocument)]]
    }

    /// Reads a stored rollup back (for the report and tests).
    public init?(_ document: Document) {
        guard let feed = document["feed"]?.stringValue, let key = document["key"]?.stringValue,
              let hour = document["hour"]?.datetimeValue, let count = document["count"]?.int64Value else { return nil }
        var stats: [String: FieldStats] = [:]
        for (field, value) in document["stats"]?.documentValue ?? Document() {
            guard let entry = value.documentValue, let min = entry["min"]?.doubleValue,
                  let max = entry["max"]?.doubleValue, let avg = entry["avg"]?.doubleValue else { continue }
            stats[field] = FieldStats(min: min, max: max, avg: avg)
        }
        self.init(feed: feed, key: key, hour: ISOText.date(milliseconds: hour), count: Int(count), stats: stats)
    }

    public init(feed: String, key: String, hour: Date, count: Int, stats: [String: FieldStats]) {
        self.feed = feed
        self.key = key
        self.hour = hour
        self.count = count
        self.stats = stats
    }
}
