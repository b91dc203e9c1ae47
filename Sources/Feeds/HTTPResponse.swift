import Foundation

/// A final response: 2xx with its body, or 304 when a conditional request found the copy unchanged.
public struct HTTPResponse: Sendable, Equatable {
    public var url: String
    public var status: Int
    /// Header names in lower case; a repeated header keeps its last value.
    public var headers: [String: String]
    /// The decoded body (gzip and deflate already undone).
    public var body: Data
    /// Attempts made, 1 when the first one succeeded.
    public var attempts: Int

    /// True for 304: the caller's copy (same ETag / Last-Modified) is still current and `body` is empty.
    public var notModified: Bool { status == 304 }
    public var etag: String? { headers["etag"] }
    public var lastModified: String? { headers["last-modified"] }

    public init(url: String, status: Int, headers: [String: String], body: Data, attempts: Int) {
        self.url = url
        self.status = status
        self.headers = headers
        self.body = body
        self.attempts = attempts
    }
}
