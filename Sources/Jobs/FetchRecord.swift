import BSON
import Foundation

/// One run of a fetch (or replay) as stored in `fetches` (DESIGN.md §4).
public struct FetchRecord: Sendable {
    public var feed: String
    public var startedAt: Date
    public var finishedAt: Date
    public var ok: Bool
    /// Status of the primary document's response; nil when no response came (network error, replay, demo).
    public var httpStatus: Int?
    /// Bytes of payload received (all documents of the run).
    public var bytes: Int = 0
    /// Records seen in the payload.
    public var records: Int = 0
    public var inserted: Int = 0
    public var updated: Int = 0
    public var unchanged: Int = 0
    public var rejected: Int = 0
    public var error: String?
    /// The primary raw file, when one was written or replayed.
    public var rawPath: String?
    /// How the payload came: "http", "replay" or "demo".
    public var source: String = "http"

    public init(feed: String, startedAt: Date, finishedAt: Date? = nil, ok: Bool = false) {
        self.feed = feed
        self.startedAt = startedAt
        self.finishedAt = finishedAt ?? startedAt
        self.ok = ok
    }

    var document: Document {
        [
            "feed": .string(feed), "startedAt": ISOText.bson(startedAt), "finishedAt": ISOText.bson(finishedAt),
            "ok": .bool(ok), "httpStatus": Self.nullable(httpStatus.map { .int32(Int32($0)) }),
            "bytes": .int64(Int64(bytes)), "records": .int32(Int32(clamping: records)),
            "inserted": .int32(Int32(clamping: inserted)), "updated": .int32(Int32(clamping: updated)),
            "unchanged": .int32(Int32(clamping: unchanged)), "rejected": .int32(Int32(clamping: rejected)),
            "error": Self.nullable(error.map(BSONValue.string)), "rawPath": Self.nullable(rawPath.map(BSONValue.string)),
            "source": .string(source),
        ]
    }

    /// BSON null for a missing value (DESIGN.md §4 lists every field, present or not).
    private static func nullable(_ value: BSONValue?) -> BSONValue {
        value ?? BSONValue.null
    }
}

extension FetchRecord {
    /// Reads a `fetches` document back; nil when it lacks the feed or the times.
    public init?(document: Document) {
        guard let feed = document["feed"]?.stringValue, let started = document["startedAt"]?.datetimeValue else { return nil }
        self.init(feed: feed, startedAt: ISOText.date(milliseconds: started),
                  finishedAt: document["finishedAt"]?.datetimeValue.map(ISOText.date(milliseconds:)),
                  ok: document["ok"]?.boolValue ?? false)
        func count(_ name: String) -> Int { Int(document[name]?.int64Value ?? 0) }
        httpStatus = document["httpStatus"]?.int64Value.map { Int($0) }
        bytes = count("bytes")
        records = count("records")
        inserted = count("inserted")
        updated = count("updated")
        unchanged = count("unchanged")
        rejected = count("rejected")
        error = document["error"]?.stringValue
        rawPath = document["rawPath"]?.stringValue
        source = document["source"]?.stringValue ?? "http"
    }
}
