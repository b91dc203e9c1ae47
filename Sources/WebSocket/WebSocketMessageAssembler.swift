/// Turns decoder events into messages: joins fragments (control frames may come between them),
/// validates text as UTF-8 while it arrives, enforces the message size limit, parses close frames.
public struct WebSocketMessageAssembler {
    /// A complete message or control frame.
    public enum Message: Equatable, Sendable {
        case text(String)
        case binary([UInt8])
        case ping([UInt8])
        case pong([UInt8])
        /// `code` is nil when the close frame had no payload.
        case close(code: UInt16?, reason: String)
    }

    public var maxMessageBytes: Int
    private var messageOpcode: WebSocketOpcode?
    private var message: [UInt8] = []
    private var validator = UTF8Validator()
    private var frame: WebSocketFrameHeader?
    private var control: [UInt8] = []

    public init(maxMessageBytes: Int = 1 << 20) {
        self.maxMessageBytes = maxMessageBytes
    }

    public mutating func handle(_ event: WebSocketFrameDecoder.Event, _ emit: (Message) throws -> Void) throws {
        switch event {
        case .frameStart(let header):
            frame = header
            if header.opcode.isControl {
                control.removeAll(keepingCapacity: true)
                return
            }
            if header.opcode == .continuation {
                guard messageOpcode != nil else { throw WebSocketFailure(1002, "continuation frame without a message to continue") }
            } else {
                guard messageOpcode == nil else { throw WebSocketFailure(1002, "new data frame before the fragmented message ended") }
                messageOpcode = header.opcode
                validator = UTF8Validator()
            }
            if UInt64(message.count) + header.length > UInt64(maxMessageBytes) {
                throw WebSocketFailure(1009, "message exceeds \(maxMessageBytes) bytes")
            }
        case .payload(let bytes):
            guard let frame else { return }
            if frame.opcode.isControl {
                control.append(contentsOf: bytes)
            } else {
                if messageOpcode == .text && !validator.validate(bytes) {
                    throw WebSocketFailure(1007, "text message is not valid UTF-8")
                }
                message.append(contentsOf: bytes)
            }
        case .frameEnd:
            guard let header = frame else { return }
            frame = nil
            switch header.opcode {
            case .ping: try emit(.ping(control))
            case .pong: try emit(.pong(control))
            case .close: try emit(try Self.parseClose(control))
            case .text, .binary, .continuation:
                guard header.fin, let opcode = messageOpcode else { return }
                let payload = message
                message = []
                messageOpcode = nil
                if opcode == .text {
                    guard validator.isComplete else { throw WebSocketFailure(1007, "text message ends inside a UTF-8 sequence") }
                    try emit(.text(String(decoding: payload, as: UTF8.self)))
                } else {
                    try emit(.binary(payload))
                }
            }
        }
    }

    static func parseClose(_ payload: [UInt8]) throws -> Message {
        if payload.isEmpty { return .close(code: nil, reason: "") }
        guard payload.count >= 2 else { throw WebSocketFailure(1002, "close frame with a 1-byte payload") }
        let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
        guard WebSocketCloseCode.isValidOnWire(code) else { throw WebSocketFailure(1002, "invalid close code \(code)") }
        let reason = Array(payload[2...])
        guard UTF8Validator.isValid(reason) else { throw WebSocketFailure(1007, "close reason is not valid UTF-8") }
        return .close(code: code, reason: String(decoding: reason, as: UTF8.self))
    }
}
