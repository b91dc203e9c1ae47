/// One document a feed downloads: the real API's origin, path and query, and how long a copy stays good.
public struct FeedDocument: Sendable, Equatable {
    /// Name used as the key of the payload given to `Feed.normalise` (and in raw archive names).
    public var name: String
    /// The real API's origin, `scheme://host[:port]`.
    public var origin: String
    /// Path with the query, starting with "/".
    public var pathAndQuery: String
    /// nil: fetched on every run. Otherwise the fetch runner may reuse its last copy for this many seconds
    /// (Vélib' station information changes rarely and is refreshed daily).
    public var refreshSeconds: Int?

    public init(name: String, origin: String, pathAndQuery: String, refreshSeconds: Int? = nil) {
        self.name = name
        self.origin = origin
        self.pathAndQuery = pathAndQuery
        self.refreshSeconds = refreshSeconds
    }

    /// The full URL, on the real origin or on `override`'s origin with the same path and query (DESIGN.md §3).
    public func url(origin override: FeedOrigin? = nil) -> String {
        (override?.text ?? origin) + pathAndQuery
    }
}
