/// One BSON value, of any type Vigie stores or a driver may send.
public enum BSONValue: Sendable, Equatable, Hashable {
    case double(Double)
    case string(String)
    case document(Document)
    case array([BSONValue])
    case binary(subtype: UInt8, data: [UInt8])
    case undefined
    case objectId(ObjectId)
    case bool(Bool)
    /// Milliseconds since the Unix epoch, as BSON stores dates.
    case datetime(Int64)
    case null
    case regex(pattern: String, options: String)
    case javascript(String)
    case int32(Int32)
    case timestamp(seconds: UInt32, increment: UInt32)
    case int64(Int64)
    case decimal128(Decimal128)
    case minKey
    case maxKey
}

extension BSONValue {
    /// The value as a Double when it is any BSON number.
    public var doubleValue: Double? {
        switch self {
        case .double(let value): return value
        case .int32(let value): return Double(value)
        case .int64(let value): return Double(value)
        case .decimal128(let value): return Double(value.description)
        default: return nil
        }
    }

    /// The value as an Int64 when it is an integer, or a Double with no fraction.
    public var int64Value: Int64? {
        switch self {
        case .int32(let value): return Int64(value)
        case .int64(let value): return value
        case .double(let value):
            guard value.rounded() == value, abs(value) < 9.2e18 else { return nil }
            return Int64(value)
        default: return nil
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var documentValue: Document? {
        if case .document(let value) = self { return value }
        return nil
    }

    public var arrayValue: [BSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectIdValue: ObjectId? {
        if case .objectId(let value) = self { return value }
        return nil
    }

    /// Milliseconds since the epoch when the value is a BSON date.
    public var datetimeValue: Int64? {
        if case .datetime(let value) = self { return value }
        return nil
    }

    /// True for the BSON number types.
    public var isNumber: Bool {
        switch self {
        case .double, .int32, .int64, .decimal128: return true
        default: return false
        }
    }

    /// The BSON type name, as `$type` and error messages spell it.
    public var typeName: String {
        switch self {
        case .double: return "double"
        case .string: return "string"
        case .document: return "object"
        case .array: return "array"
        case .binary: return "binData"
        case .undefined: return "undefined"
        case .objectId: return "objectId"
        case .bool: return "bool"
        case .datetime: return "date"
        case .null: return "null"
        case .regex: return "regex"
        case .javascript: return "javascript"
        case .int32: return "int"
        case .timestamp: return "timestamp"
        case .int64: return "long"
        case .decimal128: return "decimal"
        case .minKey: return "minKey"
        case .maxKey: return "maxKey"
        }
    }

    /// The BSON type number (the byte before each element in the encoding).
    public var typeNumber: Int {
        switch self {
        case .double: return 1
        case .string: return 2
        case .document: return 3
        case .array: return 4
        case .binary: return 5
        case .undefined: return 6
        case .objectId: return 7
        case .bool: return 8
        case .datetime: return 9
        case .null: return 10
        case .regex: return 11
        case .javascript: return 13
        case .int32: return 16
        case .timestamp: return 17
        case .int64: return 18
        case .decimal128: return 19
        case .minKey: return -1
        case .maxKey: return 127
        }
    }
}

extension BSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    /// Integer literals become int64 unless they fit in int32, as the shell does for small numbers.
    public init(integerLiteral value: Int) {
        self = Int32(exactly: value).map(BSONValue.int32) ?? .int64(Int64(value))
    }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: BSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, BSONValue)...) { self = .document(Document(elements)) }
    public init(nilLiteral: ()) { self = .null }
}
