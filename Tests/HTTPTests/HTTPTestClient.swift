import TestSupport
import Foundation
import Net

/// A parsed response read off a raw socket.
struct RawResponse {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Reads HTTP responses from a `BlockingSocket`, keeping bytes of the next response.
final class HTTPTestClient {
    let socket: BlockingSocket
    private var buffer: [UInt8] = []

    init(port: Int, timeout: Double = 5) throws {
        socket = try BlockingSocket(port: port, timeout: timeout)
    }

    func send(_ text: String) throws { try socket.send(text) }

    /// GET with the usual headers.
    func get(_ target: String, headers: [String: String] = [:]) throws -> RawResponse {
        var text = "GET \(target) HTTP/1.1\r\nHost: test\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        try send(text + "\r\n")
        return try readResponse()
    }

    /// The next response; `bodyless` for HEAD requests.
    func readResponse(bodyless: Bool = false) throws -> RawResponse {
        var headEnd: Int?
        while headEnd == nil {
            if let range = findDoubleCRLF() { headEnd = range; break }
            let chunk = try socket.receive()
            if chunk.isEmpty { throw SystemError("connection closed before a response (\(buffer.count) bytes)", errno: 0) }
            buffer += chunk
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let statusLine = lines.removeFirst().split(separator: " ")
        let status = Int(statusLine[1]) ?? 0
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        buffer.removeSubrange(0..<headEnd!)
        let length = (bodyless || status == 304) ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length {
            let chunk = try socket.receive()
            if chunk.isEmpty { throw SystemError("connection closed inside a body", errno: 0) }
            buffer += chunk
        }
        let body = Array(buffer[0..<length])
        buffer.removeSubrange(0..<length)
        return RawResponse(status: status, headers: headers, body: body)
    }

    /// True when the server closed the connection (nothing else pending).
    func serverClosed() -> Bool { buffer.isEmpty && socket.waitForClose() }

    private func findDoubleCRLF() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index + 4
        }
        return nil
    }
}
