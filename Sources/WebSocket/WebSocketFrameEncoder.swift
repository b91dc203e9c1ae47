import Net

/// Encodes frames. Server frames are never masked, so one encoding serves every viewer.
public enum WebSocketFrameEncoder {
    /// A frame as one shared block (header + payload), ready to write to many connections.
    public static func frame(_ opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer, fin: Bool = true,
                             mask: [UInt8]? = nil) -> SharedBytes {
        let count = payload.count
        let lengthBytes = count < 126 ? 0 : (count <= 0xFFFF ? 2 : 8)
        let headerCount = 2 + lengthBytes + (mask == nil ? 0 : 4)
        return SharedBytes(count: headerCount + count) { out in
            out[0] = (fin ? 0x80 : 0) | opcode.rawValue
            let maskBit: UInt8 = mask == nil ? 0 : 0x80
            switch lengthBytes {
            case 0: out[1] = maskBit | UInt8(count)
            case 2:
                out[1] = maskBit | 126
                out[2] = UInt8(count >> 8)
                out[3] = UInt8(count & 0xFF)
            default:
                out[1] = maskBit | 127
                for index in 0..<8 { out[2 + index] = UInt8((UInt64(count) >> (56 - 8 * UInt64(index))) & 0xFF) }
            }
            if let mask {
                for index in 0..<4 { out[2 + lengthBytes + index] = mask[index] }
                for index in 0..<count { out[headerCount + index] = payload[index] ^ mask[index & 3] }
            } else if count > 0 {
                (out.baseAddress! + headerCount).copyMemory(from: payload.baseAddress!, byteCount: count)
            }
        }
    }

    public static func frame(_ opcode: WebSocketOpcode, payload: [UInt8], fin: Bool = true, mask: [UInt8]? = nil) -> SharedBytes {
        payload.withUnsafeBytes { frame(opcode, payload: $0, fin: fin, mask: mask) }
    }

    /// A text frame for `text`.
    public static func text(_ text: String, mask: [UInt8]? = nil) -> SharedBytes {
        var text = text
        return text.withUTF8 { frame(.text, payload: UnsafeRawBufferPointer($0), mask: mask) }
    }

    /// A close frame with a status code and a reason (trimmed to fit the 125-byte control limit).
    public static func close(code: UInt16?, reason: String = "", mask: [UInt8]? = nil) -> SharedBytes {
        guard let code else { return frame(.close, payload: [], mask: mask) }
        var payload = [UInt8(code >> 8), UInt8(code & 0xFF)]
        var reasonBytes = Array(reason.utf8.prefix(123))
        while !reasonBytes.isEmpty && !UTF8Validator.isValid(reasonBytes) { reasonBytes.removeLast() }
        payload += reasonBytes
        return frame(.close, payload: payload, mask: mask)
    }
}
