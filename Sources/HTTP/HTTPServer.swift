import Net

/// An HTTP/1.1 server on N event loops: REST routes, a static web directory, and upgrade endpoints
/// (WebSocket). Configure it, then `start()`; the configuration is read-only once started.
///
/// ```swift
/// let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 8080, loopCount: 2))
/// server.route("GET", "/healthz") { _ in .json(200, #"{"status":"ok"}"#) }
/// server.routeDeferred("GET", "/api/readings") { request, responder in
///     queue.async { responder.respond(.json(200, object: ["readings": load(request.query)])) }
/// }
/// try server.serveStatic(directory: "web")
/// server.upgrade(path: "/ws", to: endpoint)          // a WebSocketEndpoint
/// try server.start()                                 // server.port is the bound port
/// ```
/// Handlers get `HTTPRequest` (method, path, query, headers, body) and return `HTTPResponse`
/// (status, headers, body). Route handlers run on a loop thread: anything that blocks (a database
/// query) belongs in `routeDeferred`, answered from another thread.
public final class HTTPServer: @unchecked Sendable {
    // @unchecked Sendable: routes, static files and upgraders are set before `start()` and only read
    // afterwards; `listener` and `group` are set in `start()` and cleared in `stop()` by the owner.

    /// Listening address, loop count, limits and timeouts.
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port (see `HTTPServer.port`).
        public var port: Int
        public var loopCount: Int
        public var maxHeaderBytes: Int
        public var maxBodyBytes: Int
        /// Seconds a client has to send a whole request once it began (slowloris guard).
        public var requestTimeout: Double
        /// Seconds an idle keep-alive connection is kept.
        public var idleTimeout: Double

        public init(host: String = "127.0.0.1", port: Int = 8080, loopCount: Int = System.coreCount,
                    maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 1 << 20,
                    requestTimeout: Double = 10, idleTimeout: Double = 60) {
            self.host = host
            self.port = port
            self.loopCount = loopCount
            self.maxHeaderBytes = maxHeaderBytes
            self.maxBodyBytes = maxBodyBytes
            self.requestTimeout = requestTimeout
            self.idleTimeout = idleTimeout
        }
    }

    public let configuration: Configuration
    public let router = Router()
    public private(set) var staticFiles: StaticFiles?
    private(set) var upgraders: [String: HTTPUpgrader] = [:]
    /// Runs before routing (not for upgrade paths); a non-nil response answers the request instead,
    /// e.g. a 401 when a token is missing.
    public var filter: (@Sendable (HTTPRequest) -> HTTPResponse?)?
    private var listener: Listener?
    /// The loops, available after `start()`.
    public private(set) var group: EventLoopGroup?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Routes `method` on `path` to `handler` (runs on a loop thread: keep it quick).
    public func route(_ method: String, _ path: String, _ handler: @escaping HTTPHandler) {
        router.add(method, path, handler)
    }

    /// Routes to a handler that answers later through `HTTPResponder`, from any thread.
    public func routeDeferred(_ method: String, _ path: String, _ handler: @escaping HTTPDeferredHandler) {
        router.addDeferred(method, path, handler)
    }

    /// Serves files of `directory` for GET/HEAD requests no route matched.
    public func serveStatic(directory: String) throws {
        staticFiles = try StaticFiles(directory: directory)
    }

    /// Hands requests for exactly `path` to `upgrader` (e.g. a WebSocket endpoint).
    public func upgrade(path: String, to upgrader: HTTPUpgrader) {
        upgraders[path] = upgrader
    }

    /// The bound port (the configured one, or the one picked for port 0).
    public var port: Int { listener?.port ?? configuration.port }

    /// Binds, listens and starts the loops. Throws when the address cannot be bound.
    public func start() throws {
        let listener = try Listener(host: configuration.host, port: configuration.port)
        let group = try EventLoopGroup(count: configuration.loopCount)
        self.listener = listener
        self.group = group
        group.start()
        listener.start(group: group) { [self] connection in
            let handler = HTTPConnectionHandler(server: self, connection: connection)
            connection.delegate = handler
            handler.start()
        }
    }

    /// Stops accepting, stops the loops and waits for them.
    public func stop() {
        listener?.close()
        group?.shutdown()
        listener = nil
        group = nil
    }
}
