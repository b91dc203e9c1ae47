import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) whose answers a test scripts per request,
/// including failures no static file server can produce (500, 429, stalls, oversize bodies).
/// Shared state is guarded by `lock`; each connection is served on its own thread.
final class ScriptedHTTPServer: @unchecked Sendable {
    /// One request as received.
    struct Request: Sendable {
        let method: String
        let path: String
        /// Header names in lower case.
        let headers: [String: String]
    }

    /// What to do with one request.
    enum Reply: Sendable {
        case respond(status: Int, headers: [String: String] = [:], body: Data = Data(), sendContentLength: Bool = true)
        /// Read the request, answer nothing for this long, then close.
        case stall(seconds: Double)
    }

    /// Receives the request and how many earlier requests had the same path.
    typealias Script = @Sendable (Request, Int) -> Reply

    private let listener: Int32
    let port: UInt16
    private let script: Script
    private let lock = NSLock()
    private var received: [Request] = []
    private var stopped = false
    private let acceptDone = DispatchSemaphore(value: 0)

    init(script: @escaping Script) throws {
        self.script = script
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw ServerError("socket: errno \(errno)") }
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else {
            close(listener)
            throw ServerError("bind/listen: errno \(errno)")
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

    var origin: String { "http://127.0.0.1:\(port)" }

    var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        guard !wasStopped else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        acceptDone.wait()
        close(listener)
    }

    deinit { stop() }

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

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        guard let request = readRequest(connection) else { return }
        lock.lock()
        let earlier = received.filter { $0.path == request.path }.count
        received.append(request)
        lock.unlock()
        switch script(request, earlier) {
        case .stall(let seconds):
            usleep(useconds_t(seconds * 1_000_000))
        case .respond(let status, let headers, let body, let sendContentLength):
            var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nConnection: close\r\n"
            for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
            if sendContentLength { head += "Content-Length: \(body.count)\r\n" }
            head += "\r\n"
            guard sendAll(connection, Data(head.utf8)) else { return }
            if request.method != "HEAD" { _ = sendAll(connection, body) }
        }
    }

    private func readRequest(_ connection: Int32) -> Request? {
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
        guard requestLine.count == 3 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers)
    }

    /// Writes everything; false once the client has gone (it may abort on purpose, e.g. over the size cap).
    private func sendAll(_ connection: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = send(connection, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 304: return "Not Modified"
        case 404: return "Not Found"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }

    struct ServerError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
