import Foundation

/// A one-request HTTP/1.1 client for tests (Connection: close, whole answer read).
enum TestHTTP {
    struct Response {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        /// The body as a JSON object (throws when it is not one).
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                throw TestFailure("not a JSON object: \(text.prefix(200))")
            }
            return object
        }
    }

    /// The total length of the answer once its head is in, from Content-Length (nil: read until close).
    static func complete(_ bytes: [UInt8]) -> Int? {
        guard let end = bytes.firstRange(of: [13, 10, 13, 10]) else { return nil }
        let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).lowercased()
        guard let line = head.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else { return nil }
        return end.upperBound + length
    }

    static func get(port: Int, _ target: String, headers: [String] = []) throws -> Response {
        let fd = try TestSocket.connect(port: port)
        defer { close(fd) }
        let request = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n"
        try TestSocket.sendAll(fd, Array(request.utf8))
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        let deadline = Date(timeIntervalSinceNow: 30)
        while Date() < deadline {
            guard try TestSocket.wait(fd, seconds: 1) else { continue }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if let length = complete(bytes) , bytes.count >= length { break }
        }
        guard let end = bytes.firstRange(of: [13, 10, 13, 10]) else { throw TestFailure("no HTTP answer to \(target)") }
        let lines = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw TestFailure("bad status line: \(lines[0])") }
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Response(status: status, headers: headers, body: Array(bytes[end.upperBound...]))
    }
}
