import Foundation
import HTTP
#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP/1.1 server for tests (127.0.0.1, ephemeral port, one thread per connection) that answers with
/// scripted responses, including failures no static file server can produce, and records every request.
///
/// Answers come from the per-path scripts (`script(_:_:)`) first, then from the handler, else a 404.
public final class ScriptedHTTPServer: @unchecked Sendable {
    /// Receives the request and how many earlier requests had the same path.
    public typealias Handler = @Sendable (ScriptedRequest, Int) -> ScriptedResponse

    // @unchecked Sendable: `lock` guards `recorded`, `scripts` and `stopped`; the listening socket is shut down
    // once in `stop()` and closed only after the accept loop has left.
    private let lock = NSLock()
    private var recorded: [ScriptedRequest] = []
    private var scripts: [String: [ScriptedResponse]] = [:]
    private var stopped = false
    private let handler: Handler?
    private let listener: Int32
    private let acceptDone = DispatchSemaphore(value: 0)
    public let port: UInt16

    public var origin: String { "http://127.0.0.1:\(port)" }

    /// Starts listening at once; `handler` answers paths that have no script.
    public init(handler: Handler? = nil) throws {
        self.handler = handler
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw TestSetupError("socket: \(String(cString: strerror(errno)))") }
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            close(listener)
            throw TestSetupError("bind/listen: \(reason)")
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

    /// Responses for `path` (query ignored), served in order; the last one repeats.
    public func script(_ path: String, _ responses: [ScriptedResponse]) {
        lock.lock()
        scripts[path] = responses
        lock.unlock()
    }

    /// Every request received so far, in arrival order.
    public var requests: [ScriptedRequest] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    /// Closes the listening socket; later connections are refused. Connections in progress finish.
    public func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        guard !wasStopped else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        acceptDone.wait()
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                lock.lock()
                let done = stopped
                lock.unlock()
                if done || (errno != EINTR && errno != ECONNABORTED) { break }
                continue
            }
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
        acceptDone.signal()
    }

    private func response(for request: ScriptedRequest) -> ScriptedResponse {
        lock.lock()
        let earlier = recorded.filter { $0.path == request.path }.count
        recorded.append(request)
        if var queue = scripts[request.path], !queue.isEmpty {
            let response = queue.removeFirst()
            if !queue.isEmpty { scripts[request.path] = queue }
            lock.unlock()
            return response
        }
        lock.unlock()
        return handler?(request, earlier) ?? .status(404, "no script for \(request.path)")
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        guard let request = Self.readRequest(connection) else { return }
        let response = response(for: request)
        if response.delay > 0 { usleep(useconds_t(response.delay * 1_000_000)) }
        if response.closesWithoutAnswer { return }
        let length = response.generatedBodyBytes ?? response.body.count
        var head = "HTTP/1.1 \(response.status) \(HTTPResponse.reason(for: response.status))\r\nConnection: close\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        if response.sendContentLength { head += "Content-Length: \(length)\r\n" }
        head += "\r\n"
        guard Self.sendAll(connection, Array(head.utf8)), request.method != "HEAD" else { return }
        if let generated = response.generatedBodyBytes {
            let block = [UInt8](repeating: UInt8(ascii: " "), count: 1 << 16)
            var sent = 0
            while sent < generated {
                let size = min(block.count, generated - sent)
                guard Self.sendAll(connection, Array(block[0..<size])) else { return }
                sent += size
            }
        } else {
            let limit = response.closeAfterBodyBytes ?? response.body.count
            _ = Self.sendAll(connection, Array(response.body.prefix(limit)))
        }
    }

    /// The request line and headers; nil if the client went away first or sent more than 64 KiB of head.
    private static func readRequest(_ connection: Int32) -> ScriptedRequest? {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        let terminator: [UInt8] = [13, 10, 13, 10]
        while true {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0, buffer.count < 65_536 else { return nil }
            buffer.append(contentsOf: chunk[0..<count])
            if let range = buffer.firstRange(of: terminator) {
                buffer.removeSubrange(range.lowerBound...)
                break
            }
        }
        let lines = String(decoding: buffer, as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return ScriptedRequest(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers)
    }

    /// Writes everything; false once the client has gone (it may abort on purpose, e.g. over a size cap).
    private static func sendAll(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = send(connection, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }
}
