/// A GET request, optionally conditional on what the caller saw last time.
public struct HTTPRequest: Sendable, Equatable {
    public var url: String
    /// The `ETag` of the copy the caller holds: sent as `If-None-Match`.
    public var etag: String?
    /// The `Last-Modified` of the copy the caller holds: sent as `If-Modified-Since`.
    public var lastModified: String?
    /// Extra request headers (name, value).
    public var headers: [String: String]

    public init(url: String, etag: String? = nil, lastModified: String? = nil, headers: [String: String] = [:]) {
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.headers = headers
    }
}
