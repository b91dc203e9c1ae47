import BSON

/// Encodes BSON values into bytes whose lexicographic order is MongoDB's comparison order across types, so
/// that SQLite's B-tree (memcmp on BLOBs) keeps index entries sorted the way queries need them.
///
/// Every encoding is prefix-free (fixed length, or escaped and terminated), which makes concatenation of
/// components order-preserving and lets a descending component be stored with every byte inverted.
enum IndexKeyEncoder {
    /// MongoDB's canonical type order (bson_compare): the first byte of every encoded value.
    static func typeClass(_ value: BSONValue) -> UInt8 {
        switch value {
        case .minKey: return 0x01
        case .null, .undefined: return 0x05
        case .double, .int32, .int64, .decimal128: return 0x0A
        case .string: return 0x0F
        case .document: return 0x14
        case .array: return 0x19
        case .binary: return 0x1E
        case .objectId: return 0x23
        case .bool: return 0x28
        case .datetime: return 0x2D
        case .timestamp: return 0x32
        case .regex: return 0x37
        case .javascript: return 0x3C
        case .maxKey: return 0x7F
        }
    }

    static func encode(_ value: BSONValue) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(16)
        append(value, to: &output)
        return output
    }

    /// A component of a compound key: inverted for a descending index field.
    static func appendComponent(_ value: BSONValue, descending: Bool, to output: inout [UInt8]) {
        guard descending else {
            append(value, to: &output)
            return
        }
        var component = [UInt8]()
        append(value, to: &component)
        for byte in component { output.append(~byte) }
    }

    static func append(_ value: BSONValue, to output: inout [UInt8]) {
        output.append(typeClass(value))
        switch value {
        case .minKey, .maxKey, .null, .undefined:
            break
        case .double(let number):
            appendNumber(number, exactInteger: nil, to: &output)
        case .int32(let number):
            appendNumber(Double(number), exactInteger: Int64(number), to: &output)
        case .int64(let number):
            appendNumber(Double(number), exactInteger: number, to: &output)
        case .decimal128(let number):
            appendNumber(Double(number.description) ?? .nan, exactInteger: nil, to: &output)
        case .string(let text):
            appendEscaped(Array(text.utf8), to: &output)
        case .javascript(let code):
            appendEscaped(Array(code.utf8), to: &output)
        case .document(let document):
            for (key, element) in document.pairs {
                output.append(typeClass(element))
                appendEscaped(Array(key.utf8), to: &output)
                append(element, to: &output)
            }
            output.append(0)
        case .array(let elements):
            for element in elements { append(element, to: &output) }
            output.append(0)
        case .binary(let subtype, let data):
            appendBigEndian(UInt64(data.count), bytes: 4, to: &output)
            output.append(subtype)
            output.append(contentsOf: data)
        case .objectId(let id):
            output.append(contentsOf: id.bytes)
        case .bool(let flag):
            output.append(flag ? 1 : 0)
        case .datetime(let milliseconds):
            appendBigEndian(UInt64(bitPattern: milliseconds) ^ (1 << 63), bytes: 8, to: &output)
        case .timestamp(let seconds, let increment):
            appendBigEndian(UInt64(seconds), bytes: 4, to: &output)
            appendBigEndian(UInt64(increment), bytes: 4, to: &output)
        case .regex(let pattern, let options):
            appendEscaped(Array(pattern.utf8), to: &output)
            appendEscaped(Array(options.utf8), to: &output)
        }
    }

    /// Numbers of every BSON type compare by value: a sortable double, then (for 64-bit integers a double
    /// cannot hold exactly) a signed correction, so 1, 1.0 and NumberLong(1) encode identically.
    private static func appendNumber(_ number: Double, exactInteger: Int64?, to output: inout [UInt8]) {
        if number.isNaN {
            // MongoDB orders NaN below every other number.
            output.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0, 0x80])
            return
        }
        let value = number == 0 ? 0.0 : number // -0.0 equals 0.0
        let bits = value.bitPattern
        let sortable = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
        appendBigEndian(sortable, bytes: 8, to: &output)
        var correction: Int64 = 0
        if let exactInteger, abs(value) < 9.2e18 {
            correction = exactInteger &- Int64(value)
        }
        if correction == 0 {
            output.append(0x80)
        } else {
            output.append(correction > 0 ? 0x81 : 0x7F)
            appendBigEndian(UInt64(bitPattern: correction) ^ (1 << 63), bytes: 8, to: &output)
        }
    }

    /// Bytes with 0x00 escaped as 0x00 0xFF and terminated by 0x00 0x00: order-preserving and prefix-free.
    private static func appendEscaped(_ bytes: [UInt8], to output: inout [UInt8]) {
        for byte in bytes {
            output.append(byte)
            if byte == 0 { output.append(0xFF) }
        }
        output.append(0)
        output.append(0)
    }

    private static func appendBigEndian(_ value: UInt64, bytes count: Int, to output: inout [UInt8]) {
        for shift in stride(from: (count - 1) * 8, through: 0, by: -8) {
            output.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// The smallest byte string greater than every string that starts with `prefix` (nil: none exists).
    static func successor(ofPrefix prefix: [UInt8]) -> [UInt8]? {
        var bytes = prefix
        while let last = bytes.last {
            if last < 0xFF {
                bytes[bytes.count - 1] = last + 1
                return bytes
            }
            bytes.removeLast()
        }
        return nil
    }
}
