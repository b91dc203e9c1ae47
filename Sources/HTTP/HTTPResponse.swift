import Foundation

/// A response a handler returns: status, headers, body. Content-Length and Connection are added
/// by the server.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = HTTPHeaders(headers)
        self.body = body
    }

    /// A JSON body (already encoded) with `Content-Type: application/json`.
    public static func json(_ status: Int = 200, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8"),
                                               ("Cache-Control", "no-store")], body: Array(text.utf8))
    }

    /// A JSON body from a Foundation JSON object (dictionary/array of JSON-compatible values).
    public static func json(_ status: Int = 200, object: Any) -> HTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("null".utf8)
        return json(status, String(decoding: data, as: UTF8.self))
    }

    /// `{"error": message}` with the given status.
    public static func error(_ status: Int, _ message: String) -> HTTPResponse {
        json(status, object: ["error": message])
    }

    /// A plain-text body.
    public static func text(_ status: Int = 200, _ text: String, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }

    /// The bytes on the wire. `headOnly` keeps Content-Length but drops the body (HEAD).
    public func serialized(keepAlive: Bool, headOnly: Bool = false) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(HTTPResponse.reason(for: status))\r\n"
        for field in headers.fields where !field.name.caseInsensitiveEquals("Content-Length")
            && (status == 101 || !field.name.caseInsensitiveEquals("Connection")) {
            head += "\(field.name): \(field.value)\r\n"
        }
        let bodyless = status == 204 || status == 304 || (100..<200).contains(status)
        if !bodyless { head += "Content-Length: \(body.count)\r\n" }
        if status != 101 { head += keepAlive ? "" : "Connection: close\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if !headOnly && !bodyless { bytes.append(contentsOf: body) }
        return bytes
    }

    /// The standard reason phrase.
    public static func reason(for status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 101: return "Switching Protocols"
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 413: return "Content Too Large"
        case 426: return "Upgrade Required"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }
}
