import BSON

/// Addition and multiplication with MongoDB's type promotion: int32 widens to int64 on overflow,
/// int64 to double, and any double makes the result a double. Decimal128 arithmetic is not supported.
enum NumericArithmetic {
    /// The two operations with promotion rules.
    enum Operation { case add, multiply }

    /// Combines two numbers; nil when either value is not a number.
    static func apply(_ operation: Operation, _ a: BSONValue, _ b: BSONValue, context: String) throws(CommandError) -> BSONValue? {
        guard a.isNumber, b.isNumber else { return nil }
        if case .decimal128 = a { throw .notImplemented("decimal128 arithmetic in \(context)") }
        if case .decimal128 = b { throw .notImplemented("decimal128 arithmetic in \(context)") }
        switch (a, b) {
        case (.int32(let x), .int32(let y)):
            let (result, overflow) = operation == .add ? x.addingReportingOverflow(y) : x.multipliedReportingOverflow(by: y)
            if !overflow { return .int32(result) }
            return try apply(operation, .int64(Int64(x)), .int64(Int64(y)), context: context)
        case (.int32, .int64), (.int64, .int32), (.int64, .int64):
            let x = a.int64Value!, y = b.int64Value!
            let (result, overflow) = operation == .add ? x.addingReportingOverflow(y) : x.multipliedReportingOverflow(by: y)
            if !overflow { return .int64(result) }
            return .double(operation == .add ? Double(x) + Double(y) : Double(x) * Double(y))
        default:
            let x = a.doubleValue!, y = b.doubleValue!
            return .double(operation == .add ? x + y : x * y)
        }
    }

    /// A double truncated toward zero, when it is finite and fits in an Int64.
    static func truncatedInt64(_ value: Double) -> Int64? {
        guard value.isFinite, value > -9.223372036854775e18, value < 9.223372036854775e18 else { return nil }
        return Int64(value.rounded(.towardZero))
    }

    /// `a % b` that cannot trap (Int64.min % -1 overflows).
    static func remainder(_ a: Int64, _ b: Int64) -> Int64 {
        b == -1 ? 0 : a % b
    }

    /// The zero of a number's type (what `$mul` stores into a missing field).
    static func zero(like value: BSONValue) -> BSONValue {
        switch value {
        case .int32: return .int32(0)
        case .int64: return .int64(0)
        case .decimal128: return .decimal128(Decimal128("0")!)
        default: return .double(0)
        }
    }

    /// The negation of a number (for `$subtract`).
    static func negate(_ value: BSONValue, context: String) throws(CommandError) -> BSONValue? {
        switch value {
        case .int32(let x): return x == .min ? .int64(-Int64(x)) : .int32(-x)
        case .int64(let x): return x == .min ? .double(-Double(x)) : .int64(-x)
        case .double(let x): return .double(-x)
        case .decimal128: throw .notImplemented("decimal128 arithmetic in \(context)")
        default: return nil
        }
    }
}
