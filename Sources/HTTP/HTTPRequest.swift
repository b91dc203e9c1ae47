/// A complete HTTP/1.x request as the handlers see it.
public struct HTTPRequest: Sendable {
    /// The method token as sent ("GET", "POST", ...).
    public var method: String
    /// The request target exactly as sent ("/api/readings?feed=usgs").
    public var target: String
    /// The percent-decoded path ("/api/readings").
    public var path: String
    /// The decoded query parameters; a repeated name keeps its last value.
    public var query: [String: String]
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String, target: String, path: String, query: [String: String] = [:],
                minorVersion: Int = 1, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.minorVersion = minorVersion
        self.headers = headers
        self.body = body
    }

    /// Whether the connection stays open after the response (HTTP/1.1 default, HTTP/1.0 opt-in).
    public var keepAlive: Bool {
        if headers.hasToken("close", in: "Connection") { return false }
        return minorVersion >= 1 || headers.hasToken("keep-alive", in: "Connection")
    }

    /// The body as UTF-8 text (invalid sequences replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
