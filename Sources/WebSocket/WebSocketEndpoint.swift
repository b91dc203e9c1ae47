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
public final class WebSocketEndpoint: HTTPUpgrader {
    public let configuration: WebSocketConfiguration
    let onOpen: (@Sendable (WebSocketConnection) -> Void)?
    let onText: (@Sendable (WebSocketConnection, String) -> Void)?
    let onBinary: (@Sendable (WebSocketConnection, [UInt8]) -> Void)?
    let onClose: (@Sendable (WebSocketConnection) -> Void)?
    private let nextID = Atomic<UInt64>(1)

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
