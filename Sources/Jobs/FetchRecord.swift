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
            "ok": .bool(ok), "httpStatus": httpStatus.map { .int32(Int32($0)) } ?? .null,
            "bytes": .int64(Int64(bytes)), "records": .int32(Int32(clamping: records)),
            "inserted": .int32(Int32(clamping: inserted)), "updated": .int32(Int32(clamping: updated)),
            "unchanged": .int32(Int32(clamping: unchanged)), "rejected": .int32(Int32(clamping: rejected)),
            "error": error.map(BSONValue.string) ?? .null, "rawPath": rawPath.map(BSONValue.string) ?? .null,
            "source": .string(source),
        ]
    }
}
