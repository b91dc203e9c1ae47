import CCrypto
import Foundation
import HTTP

/// The server side of the opening handshake (RFC 6455 §4.2).
public enum WebSocketHandshake {
    public static let magic = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// base64(SHA-1(key + magic)).
    public static func acceptValue(forKey key: String) -> String {
        let input = Array((key + magic).utf8)
        var digest = [UInt8](repeating: 0, count: 20)
        let ok = input.withUnsafeBytes { source in
            digest.withUnsafeMutableBufferPointer { vigie_sha1(source.baseAddress, source.count, $0.baseAddress) }
        }
        precondition(ok == 1, "libcrypto SHA-1 failed")
        return Data(digest).base64EncodedString()
    }

    /// The 101 response when `request` is a valid upgrade, else the refusal to send.
    public static func respond(to request: HTTPRequest, allowedOrigins: Set<String>?,
                               authorize: (@Sendable (HTTPRequest) -> Bool)?) -> (accepted: Bool, response: HTTPResponse) {
        let headers = request.headers
        guard headers.hasToken("websocket", in: "Upgrade") else {
            return (false, HTTPResponse(status: 426, headers: [("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13"),
                                                               ("Content-Type", "application/json; charset=utf-8")],
                                        body: Array("{\"error\":\"this endpoint speaks WebSocket only\"}".utf8)))
        }
        guard request.method == "GET" else { return (false, .error(400, "WebSocket upgrade needs GET")) }
        guard request.minorVersion >= 1 else { return (false, .error(400, "WebSocket upgrade needs HTTP/1.1")) }
        guard headers.hasToken("upgrade", in: "Connection") else { return (false, .error(400, "Connection header must include Upgrade")) }
        guard headers["Sec-WebSocket-Version"]?.trimmingCharacters(in: .whitespaces) == "13" else {
            var response = HTTPResponse.error(426, "unsupported WebSocket version; use 13")
            response.headers.add("Sec-WebSocket-Version", "13")
            return (false, response)
        }
        guard let key = headers["Sec-WebSocket-Key"]?.trimmingCharacters(in: .whitespaces),
              let decoded = Data(base64Encoded: key), decoded.count == 16 else {
            return (false, .error(400, "missing or invalid Sec-WebSocket-Key"))
        }
        if let allowedOrigins, let origin = headers["Origin"], !allowedOrigins.contains(origin) {
            return (false, .error(403, "origin not allowed"))
        }
        if let authorize, !authorize(request) {
            return (false, .error(401, "missing or wrong token"))
        }
        return (true, HTTPResponse(status: 101, headers: [("Upgrade", "websocket"), ("Connection", "Upgrade"),
                                                          ("Sec-WebSocket-Accept", acceptValue(forKey: key))]))
    }
}
