import CMongoc

/// An IEEE 754-2008 decimal128 value, kept bit-exact; printed and parsed by libbson.
public struct Decimal128: Sendable, Hashable, CustomStringConvertible {
    public let low: UInt64
    public let high: UInt64

    public init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// Parses a decimal string such as "1.10", "-0", "NaN" or "1E+3".
    public init?(_ text: String) {
        var value = bson_decimal128_t()
        guard bson_decimal128_from_string(text, &value) else { return nil }
        self.init(low: value.low, high: value.high)
    }

    public var description: String {
        var value = bson_decimal128_t(low: low, high: high)
        var buffer = [CChar](repeating: 0, count: Int(BSON_DECIMAL128_STRING))
        bson_decimal128_to_string(&value, &buffer)
        return String(cString: buffer)
    }
}
