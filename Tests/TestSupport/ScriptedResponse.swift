import Foundation

/// A scripted answer: status, headers and body, optionally late, cut short, generated or withheld.
public struct ScriptedResponse: Sendable {
    public var status: Int
    /// Sent in this order, after `Connection: close`.
    public var headers: [(String, String)]
    public var body: Data
    /// Seconds to wait before answering (timeouts).
    public var delay: Double
    /// Stream this many bytes of spaces instead of `body` (size caps without holding the body in memory).
    public var generatedBodyBytes: Int?
    /// Announce the full length but close after this many body bytes (truncated transfers).
    public var closeAfterBodyBytes: Int?
    /// False: no `Content-Length`, the end of the body is the end of the connection.
    public var sendContentLength: Bool
    /// True: after `delay`, close without sending anything (stalled servers).
    public var closesWithoutAnswer: Bool

    public init(status: Int, headers: [(String, String)] = [], body: Data = Data(), delay: Double = 0,
                generatedBodyBytes: Int? = nil, closeAfterBodyBytes: Int? = nil, sendContentLength: Bool = true,
                closesWithoutAnswer: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
        self.generatedBodyBytes = generatedBodyBytes
        self.closeAfterBodyBytes = closeAfterBodyBytes
        self.sendContentLength = sendContentLength
        self.closesWithoutAnswer = closesWithoutAnswer
    }

    /// 200 with a JSON body.
    public static func json(_ data: Data, headers: [(String, String)] = []) -> ScriptedResponse {
        ScriptedResponse(status: 200, headers: [("Content-Type", "application/json")] + headers, body: data)
    }

    /// `code` with a plain-text body.
    public static func status(_ code: Int, _ text: String = "", headers: [(String, String)] = []) -> ScriptedResponse {
        ScriptedResponse(status: code, headers: [("Content-Type", "text/plain")] + headers, body: Data(text.utf8))
    }

    /// Read the request, answer nothing for `seconds`, then close.
    public static func stall(seconds: Double) -> ScriptedResponse {
        ScriptedResponse(status: 0, delay: seconds, closesWithoutAnswer: true)
    }
}
