import CMongoc

/// A 12-byte MongoDB ObjectId.
public struct ObjectId: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The twelve bytes, big-endian timestamp first.
    public let bytes: [UInt8]

    /// A new, unique ObjectId (libbson's generator: time, random process id, counter).
    public init() {
        var oid = bson_oid_t()
        bson_oid_init(&oid, nil)
        self.init(oid)
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 12 else { return nil }
        self.bytes = bytes
    }

    /// Parses 24 hexadecimal digits.
    public init?(hex: String) {
        guard hex.utf8.count == 24, bson_oid_is_valid(hex, 24) else { return nil }
        var oid = bson_oid_t()
        bson_oid_init_from_string(&oid, hex)
        self.init(oid)
    }

    init(_ oid: bson_oid_t) {
        bytes = withUnsafeBytes(of: oid.bytes) { Array($0) }
    }

    var raw: bson_oid_t {
        var oid = bson_oid_t()
        withUnsafeMutableBytes(of: &oid.bytes) { target in
            for index in 0..<12 { target[index] = bytes[index] }
        }
        return oid
    }

    /// Seconds since the epoch at which the id was generated.
    public var timestamp: UInt32 {
        bytes[0..<4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(24)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public var description: String { hex }

    public static func < (lhs: ObjectId, rhs: ObjectId) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
