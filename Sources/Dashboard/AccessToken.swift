import HTTP
import Foundation

/// The optional viewer token (`VIGIE_TOKEN`): when set, every request must carry it as `?token=`,
/// `Authorization: Bearer`, or the cookie the server sets when the page is opened with `?token=`
/// (so the page's own scripts and styles, which the browser fetches without a query, load too).
public struct AccessToken: Sendable {
    public static let cookieName = "vigie_token"
    /// Nil: no token required.
    public let token: String?

    public init(_ token: String?) {
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// True when no token is required or the request carries the right one.
    public func allows(_ request: HTTPRequest) -> Bool {
        guard let token else { return true }
        return Self.candidates(of: request).contains { Self.constantTimeEquals($0, token) }
    }

    /// True when the request brought the token in its query (the page's address): the answer sets the cookie.
    func cameByQuery(_ request: HTTPRequest) -> Bool {
        guard let token, let given = request.query["token"] else { return false }
        return Self.constantTimeEquals(given, token)
    }

    /// The `Set-Cookie` header that lets the page's subresources through.
    var cookieHeader: (String, String)? {
        token.map { ("Set-Cookie", "\(Self.cookieName)=\(Self.cookieValue($0)); Path=/; HttpOnly; SameSite=Strict") }
    }

    /// 401 with a JSON body naming what is expected.
    public static var refusal: HTTPResponse {
        var response = HTTPResponse.json(401, "{\"error\":\"a token is required: add ?token=TOKEN to the address or send Authorization: Bearer TOKEN\",\"parameter\":\"token\"}")
        response.headers.add("WWW-Authenticate", "Bearer realm=\"vigie\"")
        return response
    }

    static func candidates(of request: HTTPRequest) -> [String] {
        var found = [String]()
        if let query = request.query["token"] { found.append(query) }
        for value in request.headers.values("Authorization") {
            let parts = value.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                found.append(String(parts[1]).trimmingCharacters(in: .whitespaces))
            }
        }
        for header in request.headers.values("Cookie") {
            for pair in header.split(separator: ";") {
                let item = pair.trimmingCharacters(in: .whitespaces)
                if item.hasPrefix(cookieName + "=") {
                    found.append(cookieValueDecoded(String(item.dropFirst(cookieName.count + 1))))
                }
            }
        }
        return found
    }

    /// Compares without stopping at the first difference, so timing does not reveal the token.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }

    /// Cookie values may not hold spaces, quotes, commas, semicolons or backslashes: percent-encode them.
    static func cookieValue(_ token: String) -> String {
        var text = ""
        for byte in token.utf8 {
            if byte > 0x20 && byte < 0x7f && !"\",;\\%".utf8.contains(byte) {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return text
    }

    static func cookieValueDecoded(_ text: String) -> String {
        var bytes = [UInt8]()
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == 0x25, utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
