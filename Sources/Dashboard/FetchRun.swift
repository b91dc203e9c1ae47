import BSON

/// The part of a `fetches` document that viewers are told about.
public struct FetchRun: Sendable, Equatable {
    public var feed: String
    public var ok: Bool
    /// When the run finished (or started, while it has not), in milliseconds since the epoch.
    public var at: Int64?
    public var error: String?
    public var records: Int64?
    public var inserted: Int64?
    public var updated: Int64?

    public init(feed: String, ok: Bool, at: Int64?, error: String? = nil, records: Int64? = nil,
                inserted: Int64? = nil, updated: Int64? = nil) {
        self.feed = feed
        self.ok = ok
        self.at = at
        self.error = error
        self.records = records
        self.inserted = inserted
        self.updated = updated
    }

    /// Nil when the document has no `feed`.
    public init?(document: Document) {
        guard let feed = document["feed"]?.stringValue else { return nil }
        self.init(feed: feed, ok: document["ok"]?.boolValue ?? false,
                  at: document["finishedAt"]?.datetimeValue ?? document["startedAt"]?.datetimeValue,
                  error: document["error"]?.stringValue, records: document["records"]?.int64Value,
                  inserted: document["inserted"]?.int64Value, updated: document["updated"]?.int64Value)
    }
}
