import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A request as the fixture server saw it.
struct FixtureRequest: Sendable {
    let method: String
    /// Path and query, as sent.
    let target: String
    /// Header names in lower case.
    let headers: [String: String]

    var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
}

/// A scripted answer: status, headers and body, optionally after a delay, optionally cut short.
struct FixtureResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: Data = Data()
    /// Seconds to wait before answering (timeouts).
    var delay: Double = 0
    /// Send this many bytes of filler JSON-ish text instead of `body`, streamed (size caps).
    var generatedBodyBytes: Int? = nil
    /// Announce the full length but close after this many body bytes.
    var closeAfterBodyBytes: Int? = nil

    static func json(_ data: Data, headers: [(String, String)] = []) -> FixtureResponse {
        FixtureResponse(status: 200, headers: [("Content-Type", "application/json")] + headers, body: data)
    }

    static func status(_ code: Int, _ text: String = "", headers: [(String, String)] = []) -> FixtureResponse {
        FixtureResponse(status: code, headers: [("Content-Type", "text/plain")] + headers, body: Data(text.utf8))
    }
}

/// A loopback HTTP/1.1 server for the tests (POSIX sockets, one thread per connection) that answers on the
/// real APIs' paths with scripted responses and records every request.
final class FixtureHTTPServer: @unchecked Sendable {
    // `lock` guards `requests`, `scripts` and `stopped`; the listening socket is closed once in `stop()`.
    private let lock = NSLock()
    private var requests: [FixtureRequest] = []
    private var scripts: [String: [FixtureResponse]] = [:]
    private var stopped = false
    private let listener: Int32
    let port: UInt16

    var origin: String { "http://127.0.0.1:\(port)" }

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw FixtureServerError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else {
            close(listener)
            throw FixtureServerError("bind/listen: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// Responses for `path`, served in order; the last one repeats.
    func script(_ path: String, _ responses: [FixtureResponse]) {
        lock.lock()
        scripts[path] = responses
        lock.unlock()
    }

    var received: [FixtureRequest] {
        lock.lock()
        defer { lock.unlock() }
        return requests
    }

    func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        if !wasStopped {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    private func nextResponse(for request: FixtureRequest) -> FixtureResponse {
        lock.lock()
        defer { lock.unlock() }
        requests.append(request)
        guard var queue = scripts[request.path], !queue.isEmpty else {
            return .status(404, "no fixture for \(request.path)")
        }
        let response = queue.removeFirst()
        if !queue.isEmpty { scripts[request.path] = queue }
        return response
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !buffer.containsHeaderEnd {
            let count = recv(connection, &chunk, chunk.count, 0)
            if count <= 0 { return }
            buffer.append(contentsOf: chunk[0..<count])
        }
        let head = String(decoding: buffer, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        let lines = head.components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2 else { return }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let request = FixtureRequest(method: String(parts[0]), target: String(parts[1]), headers: headers)
        let response = nextResponse(for: request)
        if response.delay > 0 { usleep(useconds_t(response.delay * 1_000_000)) }
        let length = response.generatedBodyBytes ?? response.body.count
        var text = "HTTP/1.1 \(response.status) Status\r\nContent-Length: \(length)\r\nConnection: close\r\n"
        for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        guard send(connection, Array(text.utf8)) else { return }
        if let generated = response.generatedBodyBytes {
            let block = [UInt8](repeating: UInt8(ascii: " "), count: 1 << 16)
            var sent = 0
            while sent < generated {
                let size = min(block.count, generated - sent)
                guard send(connection, Array(block[0..<size])) else { return }
                sent += size
            }
        } else {
            let limit = response.closeAfterBodyBytes ?? response.body.count
            _ = send(connection, Array(response.body.prefix(limit)))
        }
    }

    private func send(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(connection, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }
}

struct FixtureServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private extension Array where Element == UInt8 {
    var containsHeaderEnd: Bool {
        guard count >= 4 else { return false }
        for index in 0...(count - 4) where self[index] == 13 && self[index + 1] == 10 && self[index + 2] == 13 && self[index + 3] == 10 {
            return true
        }
        return false
    }
}
