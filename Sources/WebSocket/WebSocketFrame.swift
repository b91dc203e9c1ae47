/// RFC 6455 opcodes.
public enum WebSocketOpcode: UInt8, Sendable {
    case continuation = 0x0
    case text = 0x1
    case binary = 0x2
    case close = 0x8
    case ping = 0x9
    case pong = 0xA

    public var isControl: Bool { rawValue & 0x8 != 0 }
}

/// A decoded frame header.
public struct WebSocketFrameHeader: Equatable, Sendable {
    public var fin: Bool
    public var opcode: WebSocketOpcode
    public var masked: Bool
    public var maskKey: [UInt8]
    public var length: UInt64
}

/// A reason to fail the connection, with the close code to send (RFC 6455 §7.4.1).
public struct WebSocketFailure: Error, Equatable, CustomStringConvertible {
    public let code: UInt16
    public let reason: String

    public init(_ code: UInt16, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "close \(code): \(reason)" }
}

/// Close status codes used by the server.
public enum WebSocketCloseCode {
    public static let normal: UInt16 = 1000
    public static let goingAway: UInt16 = 1001
    public static let protocolError: UInt16 = 1002
    public static let unsupportedData: UInt16 = 1003
    public static let invalidPayload: UInt16 = 1007
    public static let policyViolation: UInt16 = 1008
    public static let messageTooBig: UInt16 = 1009
    public static let internalError: UInt16 = 1011
    public static let tryAgainLater: UInt16 = 1013

    /// Whether a peer may send `code` in a close frame (1005/1006/1015 and unassigned ranges may not).
    public static func isValidOnWire(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: return true
        default: return false
        }
    }
}
