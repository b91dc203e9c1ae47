import HTTP
import Net
import Synchronization

/// Limits and timeouts of a WebSocket endpoint.
public struct WebSocketConfiguration: Sendable {
    /// Largest message (all fragments) accepted; bigger fails with 1009.
    public var maxMessageBytes: Int
    /// Bytes a peer may have waiting before it is closed with 1013.
    public var maxQueuedBytes: Int
    /// Seconds of silence before the server pings.
    public var pingInterval: Double
    /// Seconds to wait for any answer to a ping before dropping the connection.
    public var pongTimeout: Double
    /// Seconds to wait for the peer's close frame / TCP close.
    public var closeTimeout: Double
    /// Allowed `Origin` values; nil allows any (requests without Origin, i.e. non-browsers, always pass).
    public var allowedOrigins: Set<String>?
    /// Extra check of the upgrade request (e.g. a token); false answers 401.
    public var authorize: (@Sendable (HTTPRequest) -> Bool)?

    public init(maxMessageBytes: Int = 1 << 20, maxQueuedBytes: Int = 4 << 20, pingInterval: Double = 30,
                pongTimeout: Double = 10, closeTimeout: Double = 5, allowedOrigins: Set<String>? = nil,
                authorize: (@Sendable (HTTPRequest) -> Bool)? = nil) {
        self.maxMessageBytes = maxMessageBytes
        self.maxQueuedBytes = maxQueuedBytes
        self.pingInterval = pingInterval
        self.pongTimeout = pongTimeout
        self.closeTimeout = closeTimeout
        self.allowedOrigins = allowedOrigins
        self.authorize = authorize
    }
}

/// A WebSocket endpoint: register it on an `HTTPServer` path; its callbacks run on the
/// connection's loop thread.
///
/// ```swift
/// let hub = Hub()
/// let endpoint = WebSocketEndpoint(
///     configuration: .init(authorize: { $0.query["token"] == token }),
///     onOpen: { viewer in viewer.sendText(hello) },
///     onText: { viewer, text in                       // e.g. {"type":"subscribe",...}
///         replay(missed, to: viewer)                  // viewer.sendText(...) for each
///         hub.subscribe(viewer, to: feeds, after: lastReplayedOffset)
///     },
///     onClose: { viewer in log(viewer.id) })
/// server.upgrade(path: "/ws", to: endpoint)
/// hub.broadcast(json, topic: "usgs", sequence: offset)   // from any thread, encoded once
/// ```
public final class WebSocketEndpoint: HTTPUpgrader {
    public let configuration: WebSocketConfiguration
    let onOpen: (@Sendable (WebSocketConnection) -> Void)?
    let onText: (@Sendable (WebSocketConnection, String) -> Void)?
    let onBinary: (@Sendable (WebSocketConnection, [UInt8]) -> Void)?
    let onClose: (@Sendable (WebSocketConnection) -> Void)?
    private let nextID = Atomic<UInt64>(1)
    let openCounter = Atomic<Int>(0)
    let overflowCounter = Atomic<Int>(0)

    /// WebSocket connections currently open on this endpoint (for /metrics).
    public var openConnections: Int { openCounter.load(ordering: .relaxed) }
    /// Connections closed with 1013 because their send queue overflowed, since start.
    public var overflowCloses: Int { overflowCounter.load(ordering: .relaxed) }

    public init(configuration: WebSocketConfiguration = WebSocketConfiguration(),
                onOpen: (@Sendable (WebSocketConnection) -> Void)? = nil,
                onText: (@Sendable (WebSocketConnection, String) -> Void)? = nil,
                onBinary: (@Sendable (WebSocketConnection, [UInt8]) -> Void)? = nil,
                onClose: (@Sendable (WebSocketConnection) -> Void)? = nil) {
        self.configuration = configuration
        self.onOpen = onOpen
        self.onText = onText
        self.onBinary = onBinary
        self.onClose = onClose
    }

    public func upgrade(_ request: HTTPRequest, connection: Connection, leftover: [UInt8]) -> HTTPResponse? {
        let (accepted, response) = WebSocketHandshake.respond(to: request, allowedOrigins: configuration.allowedOrigins,
                                                              authorize: configuration.authorize)
        guard accepted else { return response }
        let id = nextID.add(1, ordering: .relaxed).oldValue
        let socket = WebSocketConnection(id: id, request: request, connection: connection, endpoint: self)
        connection.write(response.serialized(keepAlive: true))
        connection.delegate = socket
        socket.open(leftover: leftover)
        return nil
    }
}
