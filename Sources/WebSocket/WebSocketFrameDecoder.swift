/// Incremental RFC 6455 frame decoder for frames sent by clients: checks each header as soon as its
/// bytes are in (reserved bits, opcodes, masking, control-frame rules, length limit, so a huge
/// declared length fails before anything is allocated) and streams unmasked payload out.
public struct WebSocketFrameDecoder {
    /// What the decoder produced from the bytes fed.
    public enum Event: Equatable, Sendable {
        case frameStart(WebSocketFrameHeader)
        case payload([UInt8])
        case frameEnd
    }

    /// Frames declaring more than this fail with 1009.
    public var maxFrameLength: UInt64
    /// Clients must mask (RFC 6455 §5.1); false decodes server frames (tests, load generator).
    public var requireMask: Bool

    private var header: [UInt8] = []
    private var current: WebSocketFrameHeader?
    private var remaining: UInt64 = 0
    private var maskOffset = 0

    public init(maxFrameLength: UInt64 = 1 << 20, requireMask: Bool = true) {
        self.maxFrameLength = maxFrameLength
        self.requireMask = requireMask
        header.reserveCapacity(14)
    }

    /// Decodes `bytes`, calling `sink` for each event; throws the first violation (sink errors pass through).
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ sink: (Event) throws -> Void) throws {
        var index = 0
        while index < bytes.count {
            if let frame = current {
                let take = Int(min(UInt64(bytes.count - index), remaining))
                var chunk = Array(bytes[index..<index + take])
                if frame.masked {
                    let key = frame.maskKey
                    for position in 0..<take {
                        chunk[position] ^= key[(maskOffset + position) & 3]
                    }
                    maskOffset = (maskOffset + take) & 3
                }
                index += take
                remaining -= UInt64(take)
                try sink(.payload(chunk))
                if remaining == 0 {
                    current = nil
                    try sink(.frameEnd)
                }
                continue
            }
            header.append(bytes[index])
            index += 1
            if let frame = try parseHeader() {
                header.removeAll(keepingCapacity: true)
                try sink(.frameStart(frame))
                if frame.length == 0 {
                    try sink(.frameEnd)
                } else {
                    current = frame
                    remaining = frame.length
                    maskOffset = 0
                }
            }
        }
    }

    public mutating func feed(_ bytes: [UInt8], _ sink: (Event) throws -> Void) throws {
        try bytes.withUnsafeBytes { try feed($0, sink) }
    }

    /// A complete header from `header`, nil while bytes are missing.
    private func parseHeader() throws -> WebSocketFrameHeader? {
        let first = header[0]
        if header.count == 1 {
            if first & 0x70 != 0 { throw WebSocketFailure(1002, "reserved bits set without an extension") }
            guard let opcode = WebSocketOpcode(rawValue: first & 0x0F) else {
                throw WebSocketFailure(1002, "reserved opcode \(first & 0x0F)")
            }
            if opcode.isControl && first & 0x80 == 0 { throw WebSocketFailure(1002, "fragmented control frame") }
            return nil
        }
        let second = header[1]
        let masked = second & 0x80 != 0
        let opcode = WebSocketOpcode(rawValue: first & 0x0F)!
        if header.count == 2 {
            if requireMask && !masked { throw WebSocketFailure(1002, "client frame not masked") }
            if !requireMask && masked { throw WebSocketFailure(1002, "server frame masked") }
            if opcode.isControl && second & 0x7F > 125 { throw WebSocketFailure(1002, "control frame longer than 125 bytes") }
        }
        let shortLength = second & 0x7F
        let lengthBytes = shortLength == 126 ? 2 : (shortLength == 127 ? 8 : 0)
        if header.count < 2 + lengthBytes { return nil }
        var length = UInt64(shortLength)
        if lengthBytes > 0 {
            length = 0
            for byte in header[2..<2 + lengthBytes] { length = length << 8 | UInt64(byte) }
            if header.count == 2 + lengthBytes {
                if lengthBytes == 8 && length >> 63 != 0 { throw WebSocketFailure(1002, "64-bit length with the high bit set") }
                if length > maxFrameLength { throw WebSocketFailure(1009, "frame of \(length) bytes exceeds \(maxFrameLength)") }
            }
        }
        let total = 2 + lengthBytes + (masked ? 4 : 0)
        if header.count < total { return nil }
        let key = masked ? Array(header[(2 + lengthBytes)..<total]) : []
        return WebSocketFrameHeader(fin: first & 0x80 != 0, opcode: opcode, masked: masked, maskKey: key, length: length)
    }
}
