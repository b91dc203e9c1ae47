import Net

/// Speaks HTTP/1.1 on one connection, on its loop: parses, dispatches, answers in order, enforces
/// limits and timeouts, and hands the connection to an upgrader when asked.
final class HTTPConnectionHandler: ConnectionDelegate {
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"]

    private let server: HTTPServer
    private let connection: Connection
    private var parser: HTTPRequestParser
    private var awaitingDeferred: (keepAlive: Bool, headOnly: Bool)?
    private var requestStartedAt: UInt64?
    private var lastActivity = Monotonic.nanoseconds()
    private var timer: LoopTimer?
    private var finished = false

    init(server: HTTPServer, connection: Connection) {
        self.server = server
        self.connection = connection
        parser = HTTPRequestParser(maxHeaderBytes: server.configuration.maxHeaderBytes,
                                   maxBodyBytes: server.configuration.maxBodyBytes)
    }

    func start() {
        armTimer()
    }

    // MARK: timeouts

    private func armTimer() {
        timer?.cancel()
        let configuration = server.configuration
        let deadline: UInt64
        if let started = requestStartedAt {
            deadline = started + Monotonic.duration(configuration.requestTimeout)
        } else {
            deadline = lastActivity + Monotonic.duration(configuration.idleTimeout)
        }
        let now = Monotonic.nanoseconds()
        let delay = deadline > now ? Double(deadline - now) / 1e9 : 0
        timer = connection.loop.schedule(after: delay) { [weak self] in self?.timerFired() }
    }

    private func timerFired() {
        guard !finished else { return }
        let now = Monotonic.nanoseconds()
        let configuration = server.configuration
        if awaitingDeferred != nil {
            armTimer()
        } else if let started = requestStartedAt {
            if now >= started + Monotonic.duration(configuration.requestTimeout) {
                writeLog("event=http_request_timeout peer=\(connection.peer)")
                fail(status: 408, message: "request not received in time")
            } else {
                armTimer()
            }
        } else if now >= lastActivity + Monotonic.duration(configuration.idleTimeout) {
            finished = true
            connection.close()
        } else {
            armTimer()
        }
    }

    // MARK: input

    func connectionDidRead(_ connection: Connection, bytes: UnsafeRawBufferPointer) {
        guard !finished else { return }
        lastActivity = Monotonic.nanoseconds()
        if requestStartedAt == nil { requestStartedAt = lastActivity }
        parser.append(bytes)
        processBuffered()
    }

    func connectionDidClose(_ connection: Connection) {
        finished = true
        timer?.cancel()
        timer = nil
    }

    private func processBuffered() {
        while !finished && awaitingDeferred == nil {
            let request: HTTPRequest?
            do {
                request = try parser.next()
            } catch let error as HTTPParseError {
                writeLog("event=http_bad_request peer=\(connection.peer) status=\(error.status) reason=\"\(error)\"")
                fail(status: error.status, message: error.description)
                return
            } catch {
                fail(status: 400, message: "bad request")
                return
            }
            guard let request else { break }
            requestStartedAt = parser.bufferedCount > 0 ? Monotonic.nanoseconds() : nil
            handle(request)
        }
        if !finished { armTimer() }
    }

    private func handle(_ request: HTTPRequest) {
        if let upgrader = server.upgraders[request.path] {
            let leftover = parser.takeRemaining()
            timer?.cancel()
            if let refusal = upgrader.upgrade(request, connection: connection, leftover: leftover) {
                send(refusal, keepAlive: false, headOnly: false)
            } else {
                finished = true
            }
            return
        }
        guard Self.knownMethods.contains(request.method) else {
            send(.error(501, "method \(request.method) is not supported by this server"), keepAlive: false, headOnly: false)
            return
        }
        let headOnly = request.method == "HEAD"
        if let filter = server.filter, let response = filter(request) {
            send(response, keepAlive: request.keepAlive, headOnly: headOnly)
            return
        }
        switch server.router.match(method: request.method, path: request.path) {
        case .found(.immediate(let handler)):
            send(handler(request), keepAlive: request.keepAlive, headOnly: headOnly)
        case .found(.deferred(let handler)):
            awaitingDeferred = (request.keepAlive, headOnly)
            connection.setReading(false)
            handler(request, HTTPResponder(loop: connection.loop, handler: self))
        case .methodNotAllowed(let allowed):
            var response = HTTPResponse.error(405, "method \(request.method) not allowed on \(request.path)")
            response.headers.add("Allow", allowed.joined(separator: ", "))
            send(response, keepAlive: request.keepAlive, headOnly: headOnly)
        case .notFound:
            if request.method == "GET" || headOnly {
                let file = server.staticFiles?.response(for: request)
                send(file ?? .error(404, "not found"), keepAlive: request.keepAlive, headOnly: headOnly)
            } else if server.staticFiles != nil, server.staticFiles?.resolve(request.path) != nil {
                var response = HTTPResponse.error(405, "method \(request.method) not allowed on \(request.path)")
                response.headers.add("Allow", "GET, HEAD")
                send(response, keepAlive: request.keepAlive, headOnly: false)
            } else {
                send(.error(404, "not found"), keepAlive: request.keepAlive, headOnly: false)
            }
        }
    }

    func finishDeferred(_ response: HTTPResponse) {
        guard let pending = awaitingDeferred, !finished else { return }
        awaitingDeferred = nil
        send(response, keepAlive: pending.keepAlive, headOnly: pending.headOnly)
        if !finished {
            connection.setReading(true)
            processBuffered()
        }
    }

    private func send(_ response: HTTPResponse, keepAlive: Bool, headOnly: Bool) {
        connection.write(response.serialized(keepAlive: keepAlive, headOnly: headOnly))
        if !keepAlive {
            finished = true
            timer?.cancel()
            connection.closeAfterFlush()
        }
    }

    private func fail(status: Int, message: String) {
        send(.error(status, message), keepAlive: false, headOnly: false)
    }
}
