import HTTP
import Net

/// One WebSocket peer. Its state lives on its loop; `sendText`, `send(frame:)` and `close` may be
/// called from any thread (they hop to the loop). Callbacks run on the loop.
public final class WebSocketConnection: ConnectionDelegate, @unchecked Sendable {
    // @unchecked Sendable: `id`, `request`, `loop` and `endpoint` are immutable; every other field
    // is touched only on `loop` (public entry points hop there first).
    private enum State { case open, closeSent, closed }

    /// Unique within the process.
    public let id: UInt64
    /// The upgrade request (path, query such as `token`, headers).
    public let request: HTTPRequest
    /// The loop that owns this connection.
    public let loop: EventLoop
    let endpoint: WebSocketEndpoint
    private let connection: Connection
    private var decoder: WebSocketFrameDecoder
    private var assembler: WebSocketMessageAssembler
    private var state = State.open
    private var failed = false
    private var finished = false
    private var lastActivity = Monotonic.nanoseconds()
    private var pingSentAt: UInt64?
    private var closeSentAt: UInt64?
    private var timer: LoopTimer?
    /// The code of the close frame received from the peer, if any.
    public private(set) var peerCloseCode: UInt16?

    // Hub membership, used by `Hub` on this loop only.
    weak var hub: Hub?
    var hubTopics: Set<String> = []
    var hubSkipThrough: UInt64?
    var hubLastSerial: UInt64 = 0

    init(id: UInt64, request: HTTPRequest, connection: Connection, endpoint: WebSocketEndpoint) {
        self.id = id
        self.request = request
        self.loop = connection.loop
        self.connection = connection
        self.endpoint = endpoint
        let configuration = endpoint.configuration
        decoder = WebSocketFrameDecoder(maxFrameLength: UInt64(configuration.maxMessageBytes))
        assembler = WebSocketMessageAssembler(maxMessageBytes: configuration.maxMessageBytes)
    }

    /// "host:port" of the peer.
    public var peer: String { connection.peer }

    /// Bytes waiting to be written to this peer. Loop thread only.
    public var queuedBytes: Int { connection.queuedBytes }

    /// True until a close frame was sent or the connection closed. Loop thread only.
    public var isOpen: Bool { state == .open }

    // MARK: sending (any thread)

    /// Sends one text message.
    public func sendText(_ text: String) {
        send(frame: WebSocketFrameEncoder.text(text))
    }

    /// Sends one binary message.
    public func sendBinary(_ bytes: [UInt8]) {
        send(frame: WebSocketFrameEncoder.frame(.binary, payload: bytes))
    }

    /// Sends an already encoded frame (shared bytes are written as they are, never copied).
    public func send(frame: SharedBytes) {
        if loop.isCurrent {
            enqueue(frame)
        } else {
            loop.execute { [self] in enqueue(frame) }
        }
    }

    /// Starts the closing handshake with `code`.
    public func close(code: UInt16 = WebSocketCloseCode.normal, reason: String = "") {
        if loop.isCurrent {
            startClose(code: code, reason: reason)
        } else {
            loop.execute { [self] in startClose(code: code, reason: reason) }
        }
    }

    /// Queues a data frame within the send-queue bound; a peer that fell too far behind is closed
    /// with 1013 so it can never hold back anyone else. Loop thread only.
    @discardableResult
    func enqueue(_ frame: SharedBytes) -> Bool {
        guard state == .open else { return false }
        if connection.queuedBytes + frame.count > endpoint.configuration.maxQueuedBytes {
            writeLog("event=ws_overflow id=\(id) peer=\(peer) queued=\(connection.queuedBytes)")
            endpoint.overflowCounter.add(1, ordering: .relaxed)
            connection.discardUnsentWrites()
            fail(WebSocketFailure(WebSocketCloseCode.tryAgainLater, "send queue full"))
            return false
        }
        connection.write(frame)
        return true
    }

    // MARK: lifecycle (loop thread)

    func open(leftover: [UInt8]) {
        endpoint.openCounter.add(1, ordering: .relaxed)
        armTimer()
        endpoint.onOpen?(self)
        if !leftover.isEmpty {
            leftover.withUnsafeBytes { receive($0) }
        }
    }

    public func connectionDidRead(_ connection: Connection, bytes: UnsafeRawBufferPointer) {
        receive(bytes)
    }

    public func connectionDidClose(_ connection: Connection) {
        state = .closed
        timer?.cancel()
        timer = nil
        finish()
    }

    /// Leaves the hub and tells the owner, once: as soon as the WebSocket is done (closing
    /// handshake completed or failed), even if TCP lingers a little longer.
    private func finish() {
        guard !finished else { return }
        finished = true
        endpoint.openCounter.subtract(1, ordering: .relaxed)
        hub?.remove(self)
        endpoint.onClose?(self)
    }

    private func receive(_ bytes: UnsafeRawBufferPointer) {
        guard !failed, state != .closed else { return }
        lastActivity = Monotonic.nanoseconds()
        pingSentAt = nil
        do {
            try decoder.feed(bytes) { event in
                try assembler.handle(event) { message in try handleMessage(message) }
            }
        } catch let failure as WebSocketFailure {
            fail(failure)
        } catch {
            fail(WebSocketFailure(WebSocketCloseCode.internalError, "\(error)"))
        }
    }

    private func handleMessage(_ message: WebSocketMessageAssembler.Message) throws {
        guard !failed, state != .closed else { return }
        switch message {
        case .text(let text):
            if state == .open { endpoint.onText?(self, text) }
        case .binary(let bytes):
            if state == .open { endpoint.onBinary?(self, bytes) }
        case .ping(let payload):
            if state == .open { connection.write(WebSocketFrameEncoder.frame(.pong, payload: payload)) }
        case .pong:
            break
        case .close(let code, _):
            peerCloseCode = code
            if state == .open {
                connection.write(WebSocketFrameEncoder.close(code: code))
            }
            state = .closeSent
            failed = true
            connection.closeAfterFlush(linger: endpoint.configuration.closeTimeout)
            finish()
        }
    }

    private func startClose(code: UInt16, reason: String) {
        guard state == .open else { return }
        connection.write(WebSocketFrameEncoder.close(code: code, reason: reason))
        state = .closeSent
        closeSentAt = Monotonic.nanoseconds()
        armTimer()
    }

    /// Fails the connection (RFC 6455 §7.1.7): one close frame with the code, then close.
    private func fail(_ failure: WebSocketFailure) {
        guard !failed, state != .closed else { return }
        failed = true
        writeLog("event=ws_fail id=\(id) peer=\(peer) code=\(failure.code) reason=\"\(failure.reason)\"")
        if state == .open { connection.write(WebSocketFrameEncoder.close(code: failure.code, reason: failure.reason)) }
        state = .closeSent
        connection.closeAfterFlush(linger: endpoint.configuration.closeTimeout)
        finish()
    }

    // MARK: keep-alive

    private func armTimer() {
        timer?.cancel()
        let configuration = endpoint.configuration
        let deadline: UInt64
        if let closeSentAt {
            deadline = closeSentAt + Monotonic.duration(configuration.closeTimeout)
        } else if let pingSentAt {
            deadline = pingSentAt + Monotonic.duration(configuration.pongTimeout)
        } else {
            deadline = lastActivity + Monotonic.duration(configuration.pingInterval)
        }
        let now = Monotonic.nanoseconds()
        // A strong capture (no weak side table on a hot object); the closure goes away when the
        // timer fires or is cancelled, which `connectionDidClose` always does.
        timer = loop.schedule(after: deadline > now ? Double(deadline - now) / 1e9 : 0) { self.timerFired() }
    }

    private func timerFired() {
        guard state != .closed, !failed else { return }
        let configuration = endpoint.configuration
        let now = Monotonic.nanoseconds()
        if let closeSentAt {
            if now >= closeSentAt + Monotonic.duration(configuration.closeTimeout) {
                connection.close()
                return
            }
        } else if let pingSentAt {
            if now >= pingSentAt + Monotonic.duration(configuration.pongTimeout) {
                writeLog("event=ws_pong_timeout id=\(id) peer=\(peer)")
                connection.close()
                return
            }
        } else if now >= lastActivity + Monotonic.duration(configuration.pingInterval) {
            pingSentAt = now
            connection.write(WebSocketFrameEncoder.frame(.ping, payload: Array("vigie".utf8)))
        }
        armTimer()
    }
}
