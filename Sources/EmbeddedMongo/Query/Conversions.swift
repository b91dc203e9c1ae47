import BSON

/// `$toDate`, `$toString`, `$toDouble`, `$toInt`, `$toLong`: MongoDB's conversion rules.
enum Conversions {
    static func failure(_ from: BSONValue, _ to: String) -> CommandError {
        CommandError(code: 241, codeName: "ConversionFailure", message: "Unsupported conversion from \(from.typeName) to \(to) in $convert with no onError value")
    }

    private static func isNullish(_ value: BSONValue?) -> Bool {
        switch value {
        case nil, .null?, .undefined?: return true
        default: return false
        }
    }

    static func toDate(_ value: BSONValue?) throws(CommandError) -> BSONValue? {
        guard let value, !isNullish(value) else { return .null }
        switch value {
        case .datetime: return value
        case .int64(let milliseconds): return .datetime(milliseconds)
        case .double, .decimal128:
            guard let milliseconds = value.doubleValue.flatMap(NumericArithmetic.truncatedInt64) else { throw failure(value, "date") }
            return .datetime(milliseconds)
        case .string(let text):
            guard let milliseconds = ISODate.parse(text) else {
                throw CommandError(code: 241, codeName: "ConversionFailure", message: "Error parsing date string '\(text)'")
            }
            return .datetime(milliseconds)
        case .objectId(let id): return .datetime(Int64(id.timestamp) * 1000)
        case .timestamp(let seconds, _): return .datetime(Int64(seconds) * 1000)
        default: throw failure(value, "date")
        }
    }

    static func toString(_ value: BSONValue?) throws(CommandError) -> BSONValue? {
        guard let value, !isNullish(value) else { return .null }
        switch value {
        case .string: return value
        case .int32(let number): return .string(String(number))
        case .int64(let number): return .string(String(number))
        case .double(let number): return .string(format(number))
        case .decimal128(let number): return .string(number.description)
        case .bool(let flag): return .string(flag ? "true" : "false")
        case .datetime(let milliseconds): return .string(ISODate.format(milliseconds))
        case .objectId(let id): return .string(id.hex)
        default: throw failure(value, "string")
        }
    }

    /// Doubles as MongoDB prints them: whole numbers without a fraction, others shortest round-trip.
    static func format(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number > 0 ? "Infinity" : "-Infinity" }
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return String(number)
    }

    static func toDouble(_ value: BSONValue?) throws(CommandError) -> BSONValue? {
        guard let value, !isNullish(value) else { return .null }
        switch value {
        case .double: return value
        case .int32, .int64, .decimal128: return .double(value.doubleValue ?? .nan)
        case .bool(let flag): return .double(flag ? 1 : 0)
        case .datetime(let milliseconds): return .double(Double(milliseconds))
        case .string(let text):
            guard let number = Double(text.trimmingSpaces) else {
                throw CommandError(code: 241, codeName: "ConversionFailure", message: "Failed to parse number '\(text)' in $convert with no onError value")
            }
            return .double(number)
        default: throw failure(value, "double")
        }
    }

    static func toInteger(_ value: BSONValue?, wide: Bool) throws(CommandError) -> BSONValue? {
        guard let value, !isNullish(value) else { return .null }
        let target = wide ? "long" : "int"
        let integer: Int64
        switch value {
        case .int32(let number): integer = Int64(number)
        case .int64(let number): integer = number
        case .double, .decimal128:
            guard let number = value.doubleValue.flatMap(NumericArithmetic.truncatedInt64) else { throw failure(value, target) }
            integer = number
        case .bool(let flag): integer = flag ? 1 : 0
        case .datetime(let milliseconds) where wide: integer = milliseconds
        case .string(let text):
            guard let number = Int64(text) else {
                throw CommandError(code: 241, codeName: "ConversionFailure", message: "Failed to parse number '\(text)' in $convert with no onError value")
            }
            integer = number
        default: throw failure(value, target)
        }
        if wide { return .int64(integer) }
        guard let narrow = Int32(exactly: integer) else {
            throw CommandError(code: 241, codeName: "ConversionFailure", message: "Conversion would overflow target type in $convert with no onError value: \(integer)")
        }
        return .int32(narrow)
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
