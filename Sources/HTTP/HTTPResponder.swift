import Net

/// Delivers the response of a deferred handler; call `respond` once, from any thread.
public final class HTTPResponder: @unchecked Sendable {
    // @unchecked Sendable: `loop` is immutable and Sendable; `handler` is read only on `loop`.
    private let loop: EventLoop
    private weak var handler: HTTPConnectionHandler?

    init(loop: EventLoop, handler: HTTPConnectionHandler) {
        self.loop = loop
        self.handler = handler
    }

    public func respond(_ response: HTTPResponse) {
        loop.execute { [self] in handler?.finishDeferred(response) }
    }
}

/// Takes over connections whose request targets its path (WebSocket endpoints).
public protocol HTTPUpgrader: AnyObject, Sendable {
    /// Called on the connection's loop with a complete request for the upgrader's path. Either return
    /// a response (a refusal, sent over HTTP), or take the connection (write the 101, become its
    /// delegate, consume `leftover`: the bytes that followed the request) and return nil.
    func upgrade(_ request: HTTPRequest, connection: Connection, leftover: [UInt8]) -> HTTPResponse?
}
