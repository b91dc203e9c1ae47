import BSON
import Mongo

/// The REST queries of API.md, answered as JSON text; they block on the database, so callers run them
/// off the event loops.
public struct DashboardAPI: Sendable {
    public static let defaultReadingsLimit = 1000
    public static let maxReadingsLimit = 10_000
    public static let defaultFetchesLimit = 100
    public static let maxFetchesLimit = 1000
    static let fetchFields = ["feed", "startedAt", "finishedAt", "ok", "httpStatus", "bytes", "records", "inserted",
                              "updated", "unchanged", "rejected", "error", "rawPath"]
    static let lastFetchFields = ["startedAt", "finishedAt", "ok", "httpStatus", "records", "inserted", "updated",
                                  "unchanged", "rejected", "error"]

    public let database: Database
    public let feeds: [FeedInfo]

    public init(database: Database, feeds: [FeedInfo]) {
        self.database = database
        self.feeds = feeds
    }

    private var feedIDs: [String] { feeds.map(\.id) }

    /// `GET /api/feeds`: metadata, last fetch, last success and staleness (no success within two periods).
    public func feedsJSON(nowMilliseconds: Int64) throws -> String {
        let fetches = try database.collection(DatabaseChange.fetchesCollection)
        var text = "{\"feeds\":["
        for (index, feed) in feeds.enumerated() {
            if index > 0 { text += "," }
            let last = try fetches.findOne(["feed": .string(feed.id)], sort: ["startedAt": -1])
            let lastSuccess = try fetches.findOne(["feed": .string(feed.id), "ok": true], sort: ["startedAt": -1])
            let successAt = lastSuccess.flatMap { $0["finishedAt"]?.datetimeValue ?? $0["startedAt"]?.datetimeValue }
            let stale = successAt.map { nowMilliseconds - $0 > Int64(feed.periodSeconds) * 2000 } ?? true
            text += "{"
            for (key, value) in [("id", feed.id), ("title", feed.title), ("description", feed.description), ("zone", feed.zone)] {
                PlainJSON.quote(key, into: &text)
                text += ":"
                PlainJSON.quote(value, into: &text)
                text += ","
            }
            text += "\"periodSeconds\":\(feed.periodSeconds)"
            for (key, value) in [("licence", feed.licence), ("attribution", feed.attribution), ("sourceUrl", feed.sourceURL)] {
                text += ","
                PlainJSON.quote(key, into: &text)
                text += ":"
                PlainJSON.quote(value, into: &text)
            }
            text += ",\"fields\":{"
            for (fieldIndex, field) in feed.fields.enumerated() {
                if fieldIndex > 0 { text += "," }
                PlainJSON.quote(field.name, into: &text)
                text += ":"
                PlainJSON.quote(field.unit, into: &text)
            }
            text += "},\"lastFetch\":"
            if let last { PlainJSON.write(Self.select(Self.lastFetchFields, from: last), into: &text) } else { text += "null" }
            text += ",\"lastSuccessAt\":"
            if let successAt { PlainJSON.quote(ISODate.format(successAt), into: &text) } else { text += "null" }
            text += ",\"stale\":\(stale)}"
        }
        return text + "]}"
    }

    /// `GET /api/readings?feed=&key=&from=&to=&limit=`: sorted by `at` ascending, capped.
    public func readingsJSON(query: [String: String]) throws -> String {
        let parameters = QueryParameters(values: query, knownFeeds: feedIDs)
        let feed = try parameters.feed()!
        let key = parameters.string("key")
        let from = try parameters.date("from"), to = try parameters.date("to")
        try QueryParameters.checkRange(from: from, to: to)
        let limit = try parameters.integer("limit", in: 1...Self.maxReadingsLimit, default: Self.defaultReadingsLimit)
        var filter: Document = ["feed": .string(feed)]
        if let key { filter["key"] = .string(key) }
        if let range = Self.range(from: from, to: to) { filter["at"] = .document(range) }
        let cursor = try database.collection("readings").find(filter, options: FindOptions(sort: ["at": 1], limit: limit))
        return try Self.list("readings", cursor) { $0 }
    }

    /// `GET /api/rollups?feed=&key=&from=&to=&limit=`: hourly aggregates sorted by hour, then key.
    public func rollupsJSON(query: [String: String]) throws -> String {
        let parameters = QueryParameters(values: query, knownFeeds: feedIDs)
        let feed = try parameters.feed(optional: true)
        let key = parameters.string("key")
        let from = try parameters.date("from"), to = try parameters.date("to")
        try QueryParameters.checkRange(from: from, to: to)
        let limit = try parameters.integer("limit", in: 1...Self.maxReadingsLimit, default: Self.maxReadingsLimit)
        var filter = Document()
        if let feed { filter["feed"] = .string(feed) }
        if let key { filter["key"] = .string(key) }
        if let range = Self.range(from: from, to: to) { filter["hour"] = .document(range) }
        let cursor = try database.collection("rollups_hourly").find(
            filter, options: FindOptions(sort: ["hour": 1, "feed": 1, "key": 1], limit: limit))
        return try Self.list("rollups", cursor) { Self.select(["feed", "key", "hour", "count", "stats"], from: $0) }
    }

    /// `GET /api/fetches?feed=&limit=`: fetch runs, newest first.
    public func fetchesJSON(query: [String: String]) throws -> String {
        let parameters = QueryParameters(values: query, knownFeeds: feedIDs)
        let feed = try parameters.feed(optional: true)
        let limit = try parameters.integer("limit", in: 1...Self.maxFetchesLimit, default: Self.defaultFetchesLimit)
        let filter: Document = feed.map { ["feed": .string($0)] } ?? Document()
        let cursor = try database.collection(DatabaseChange.fetchesCollection).find(
            filter, options: FindOptions(sort: ["startedAt": -1], limit: limit))
        return try Self.list("fetches", cursor) { Self.select(Self.fetchFields, from: $0) }
    }

    static func range(from: Int64?, to: Int64?) -> Document? {
        guard from != nil || to != nil else { return nil }
        var range = Document()
        if let from { range["$gte"] = .datetime(from) }
        if let to { range["$lte"] = .datetime(to) }
        return range
    }

    /// `{"name":[doc,…]}` from a cursor, each document transformed first.
    static func list(_ name: String, _ cursor: MongoCursor, _ transform: (Document) -> Document) throws -> String {
        var text = "{\"\(name)\":["
        var first = true
        while let document = try cursor.nextDocument() {
            if !first { text += "," }
            first = false
            PlainJSON.write(transform(document), into: &text)
        }
        return text + "]}"
    }

    /// The named fields of `document`, in this order, null when absent.
    static func select(_ fields: [String], from document: Document) -> Document {
        Document(fields.map { ($0, document[$0] ?? .null) })
    }
}
