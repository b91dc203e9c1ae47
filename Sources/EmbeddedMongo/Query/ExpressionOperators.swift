import BSON
import Foundation

/// The operators whose arguments are evaluated before the call: arithmetic, comparison, strings,
/// arrays and conversions.
enum ExpressionOperators {
    /// An operator's accepted argument count (nil: any) and implementation.
    struct Entry: Sendable {
        let arity: ClosedRange<Int>?
        let body: ExpressionFunction
    }

    /// Operators MongoDB has that this store deliberately lacks: an explicit NotImplemented.
    static let knownUnsupported: Set<String> = [
        "$function", "$accumulator", "$convert", "$regexMatch", "$regexFind",
        "$regexFindAll", "$dateFromString", "$dateFromParts", "$dateToParts", "$dateAdd", "$dateSubtract", "$dateDiff",
        "$setUnion", "$setIntersection", "$setDifference", "$setEquals", "$setIsSubset", "$zip", "$range",
        "$substr", "$substrBytes", "$substrCP",
        "$trim", "$ltrim", "$rtrim", "$strLenBytes", "$indexOfArray",
        "$indexOfBytes", "$indexOfCP", "$reverseArray", "$slice", "$sortArray", "$getField", "$setField", "$rand",
        "$meta", "$exp", "$ln", "$log", "$log10", "$pow", "$sqrt", "$isNumber",
        "$week", "$isoWeek", "$isoWeekYear", "$isoDayOfWeek", "$toObjectId", "$toDecimal", "$toBool",
        "$binarySize", "$bsonSize", "$replaceOne", "$replaceAll", "$strcasecmp", "$allElementsTrue", "$anyElementTrue",
        "$tsSecond", "$tsIncrement", "$median", "$percentile", "$top", "$bottom", "$firstN", "$lastN", "$maxN", "$minN",
    ]

    static let table: [String: Entry] = {
        var table = [String: Entry]()
        func add(_ name: String, _ arity: ClosedRange<Int>?, _ body: @escaping @Sendable ([BSONValue?]) throws(CommandError) -> BSONValue?) {
            table[name] = Entry(arity: arity, body: ExpressionFunction(call: body))
        }
        add("$add", nil) { arguments throws(CommandError) in try sum(arguments) }
        add("$subtract", 2...2) { arguments throws(CommandError) in try subtract(arguments[0], arguments[1]) }
        add("$multiply", nil) { arguments throws(CommandError) in
            var product: BSONValue = .int32(1)
            for argument in arguments {
                guard let value = argument, value != .null, value != .undefined else { return .null }
                guard let next = try NumericArithmetic.apply(.multiply, product, value, context: "$multiply") else {
                    throw typeError("$multiply only supports numeric types, not \(value.typeName)")
                }
                product = next
            }
            return product
        }
        add("$divide", 2...2) { arguments throws(CommandError) in
            guard let (x, y) = try numbers("$divide", arguments[0], arguments[1]) else { return .null }
            guard y != 0 else { throw .badValue("can't $divide by zero") }
            return .double(x / y)
        }
        add("$mod", 2...2) { arguments throws(CommandError) in try modulo(arguments[0], arguments[1]) }
        add("$abs", 1...1) { arguments throws(CommandError) in
            guard let value = arguments[0], value != .null else { return .null }
            switch value {
            case .int32(let x): return x == .min ? .int64(-Int64(x)) : .int32(abs(x))
            case .int64(let x): return x == .min ? .double(-Double(x)) : .int64(abs(x))
            case .double(let x): return .double(abs(x))
            default: throw typeError("$abs only supports numeric types, not \(value.typeName)")
            }
        }
        add("$round", 1...2) { arguments throws(CommandError) in try rounded(arguments, rule: .toNearestOrEven, name: "$round") }
        add("$trunc", 1...2) { arguments throws(CommandError) in try rounded(arguments, rule: .towardZero, name: "$trunc") }
        add("$floor", 1...1) { arguments throws(CommandError) in try rounded(arguments, rule: .down, name: "$floor") }
        add("$ceil", 1...1) { arguments throws(CommandError) in try rounded(arguments, rule: .up, name: "$ceil") }
        let comparisons: [(String, @Sendable (Int) -> Bool)] = [
            ("$eq", { $0 == 0 }), ("$ne", { $0 != 0 }), ("$gt", { $0 > 0 }), ("$gte", { $0 >= 0 }),
            ("$lt", { $0 < 0 }), ("$lte", { $0 <= 0 }),
        ]
        for (name, test) in comparisons {
            add(name, 2...2) { arguments in .bool(test(compare(arguments[0], arguments[1]))) }
        }
        add("$cmp", 2...2) { arguments in .int32(Int32(compare(arguments[0], arguments[1]).signum())) }
        add("$not", 1...1) { arguments in .bool(!ExpressionEvaluator.isTrue(arguments[0])) }
        add("$in", 2...2) { arguments throws(CommandError) in
            guard case .array(let elements)? = arguments[1] else {
                throw CommandError(code: 40081, codeName: "Location40081", message: "$in requires an array as a second argument")
            }
            let value = arguments[0] ?? .undefined
            return .bool(elements.contains { BSONOrder.compare($0, value) == 0 && BSONOrder.bracket($0) == BSONOrder.bracket(value) })
        }
        add("$concat", nil) { arguments throws(CommandError) in
            var text = ""
            for argument in arguments {
                switch argument {
                case nil, .null?, .undefined?: return .null
                case .string(let part)?: text += part
                case let other?:
                    throw CommandError(code: 16702, codeName: "Location16702", message: "$concat only supports strings, not \(other.typeName)")
                }
            }
            return .string(text)
        }
        add("$size", 1...1) { arguments throws(CommandError) in
            guard case .array(let elements)? = arguments[0] else {
                throw CommandError(code: 17124, codeName: "Location17124",
                                   message: "The argument to $size must be an array. Type of the argument: \(arguments[0]?.typeName ?? "missing")")
            }
            return .int32(Int32(elements.count))
        }
        add("$arrayElemAt", 2...2) { arguments throws(CommandError) in try arrayElement(arguments[0], arguments[1]) }
        add("$first", 1...1) { arguments throws(CommandError) in try endElement(arguments[0], name: "$first", first: true) }
        add("$last", 1...1) { arguments throws(CommandError) in try endElement(arguments[0], name: "$last", first: false) }
        add("$min", nil) { arguments in extreme(arguments, wantMaximum: false) }
        add("$max", nil) { arguments in extreme(arguments, wantMaximum: true) }
        add("$toDate", 1...1) { arguments throws(CommandError) in try Conversions.toDate(arguments[0]) }
        add("$toString", 1...1) { arguments throws(CommandError) in try Conversions.toString(arguments[0]) }
        add("$toDouble", 1...1) { arguments throws(CommandError) in try Conversions.toDouble(arguments[0]) }
        add("$toInt", 1...1) { arguments throws(CommandError) in try Conversions.toInteger(arguments[0], wide: false) }
        add("$toLong", 1...1) { arguments throws(CommandError) in try Conversions.toInteger(arguments[0], wide: true) }
        DateExpressions.registerDateParts(add)
        CollectionExpressions.register(add)
        return table
    }()

    static func typeError(_ message: String) -> CommandError {
        CommandError(code: 16554, codeName: "TypeMismatch", message: message)
    }

    /// Aggregation comparison: full BSON order across types; a missing value sorts below everything.
    static func compare(_ a: BSONValue?, _ b: BSONValue?) -> Int {
        switch (a, b) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case (let x?, let y?): return BSONOrder.compare(x, y)
        }
    }

    private static func sum(_ arguments: [BSONValue?]) throws(CommandError) -> BSONValue? {
        var sum: BSONValue = .int32(0)
        var date: Int64?
        for argument in arguments {
            guard let value = argument, value != .null, value != .undefined else { return .null }
            if case .datetime(let milliseconds) = value {
                guard date == nil else { throw typeError("only one date allowed in an $add expression") }
                date = milliseconds
                continue
            }
            guard let next = try NumericArithmetic.apply(.add, sum, value, context: "$add") else {
                throw typeError("$add only supports numeric or date types, not \(value.typeName)")
            }
            sum = next
        }
        guard let date else { return sum }
        guard let offset = sum.int64Value ?? NumericArithmetic.truncatedInt64((sum.doubleValue ?? 0).rounded()) else {
            throw .badValue("$add: the amount added to a date is out of range")
        }
        return .datetime(date &+ offset)
    }

    private static func subtract(_ a: BSONValue?, _ b: BSONValue?) throws(CommandError) -> BSONValue? {
        guard let a, let b, a != .null, b != .null, a != .undefined, b != .undefined else { return .null }
        switch (a, b) {
        case (.datetime(let x), .datetime(let y)):
            return .int64(x &- y)
        case (.datetime(let x), _) where b.isNumber:
            guard let offset = b.int64Value ?? NumericArithmetic.truncatedInt64((b.doubleValue ?? 0).rounded()) else {
                throw .badValue("$subtract: the amount subtracted from a date is out of range")
            }
            return .datetime(x &- offset)
        default:
            guard let negated = try NumericArithmetic.negate(b, context: "$subtract"),
                  let result = try NumericArithmetic.apply(.add, a, negated, context: "$subtract") else {
                throw typeError("can't $subtract \(b.typeName) from \(a.typeName)")
            }
            return result
        }
    }

    /// Both operands as doubles; nil when either is null or missing.
    private static func numbers(_ name: String, _ a: BSONValue?, _ b: BSONValue?) throws(CommandError) -> (Double, Double)? {
        guard let a, let b, a != .null, b != .null, a != .undefined, b != .undefined else { return nil }
        guard let x = a.doubleValue, let y = b.doubleValue else {
            throw typeError("\(name) only supports numeric types, not \(a.typeName) and \(b.typeName)")
        }
        return (x, y)
    }

    private static func modulo(_ a: BSONValue?, _ b: BSONValue?) throws(CommandError) -> BSONValue? {
        guard let (x, y) = try numbers("$mod", a, b) else { return .null }
        guard y != 0 else { throw CommandError(code: 16610, codeName: "Location16610", message: "can't $mod by zero") }
        if let integerA = a?.int64Value, let integerB = b?.int64Value, !(a?.isDouble ?? true), !(b?.isDouble ?? true) {
            let remainder = NumericArithmetic.remainder(integerA, integerB)
            if case .int32? = a, case .int32? = b { return .int32(Int32(remainder)) }
            return .int64(remainder)
        }
        return .double(x.truncatingRemainder(dividingBy: y))
    }

    private static func rounded(_ arguments: [BSONValue?], rule: FloatingPointRoundingRule, name: String) throws(CommandError) -> BSONValue? {
        guard let value = arguments[0], value != .null, value != .undefined else { return .null }
        var place: Int64 = 0
        if arguments.count == 2 {
            guard let given = arguments[1]?.int64Value, (-20...100).contains(given) else {
                throw .badValue("\(name) requires a whole number place between -20 and 100")
            }
            place = given
        }
        switch value {
        case .int32, .int64:
            guard place < 0 else { return value }
            let scale = pow(10.0, Double(-place))
            let rounded = (Double(value.int64Value!) / scale).rounded(rule) * scale
            if case .int32 = value, let narrow = Int32(exactly: rounded) { return .int32(narrow) }
            guard let wide = Int64(exactly: rounded) else { return .double(rounded) }
            return .int64(wide)
        case .double(let number):
            let scale = pow(10.0, Double(place))
            return .double((number * scale).rounded(rule) / scale)
        default:
            throw typeError("\(name) only supports numeric types, not \(value.typeName)")
        }
    }

    private static func arrayElement(_ array: BSONValue?, _ index: BSONValue?) throws(CommandError) -> BSONValue? {
        guard let array, array != .null, array != .undefined, let index, index != .null else { return .null }
        guard case .array(let elements) = array else {
            throw CommandError(code: 28689, codeName: "Location28689",
                               message: "$arrayElemAt's first argument must be an array, but is \(array.typeName)")
        }
        guard index.isNumber, let position = index.int64Value else {
            throw CommandError(code: 28690, codeName: "Location28690",
                               message: "$arrayElemAt's second argument must be a numeric value, but is \(index.typeName)")
        }
        let resolved = position < 0 ? Int64(elements.count) + position : position
        guard resolved >= 0, resolved < elements.count else { return nil }
        return elements[Int(resolved)]
    }

    private static func endElement(_ array: BSONValue?, name: String, first: Bool) throws(CommandError) -> BSONValue? {
        guard let array, array != .null, array != .undefined else { return .null }
        guard case .array(let elements) = array else {
            throw CommandError(code: 28689, codeName: "Location28689",
                               message: "\(name)'s argument must be an array, but is \(array.typeName)")
        }
        return first ? elements.first : elements.last
    }

    /// `$min`/`$max`: one array argument means its elements; nulls and missing values are ignored.
    private static func extreme(_ arguments: [BSONValue?], wantMaximum: Bool) -> BSONValue? {
        var candidates = arguments
        if arguments.count == 1, case .array(let elements)? = arguments[0] { candidates = elements }
        var best: BSONValue?
        for case let value? in candidates where value != .null && value != .undefined {
            guard let current = best else { best = value; continue }
            let order = BSONOrder.compare(value, current)
            if wantMaximum ? order > 0 : order < 0 { best = value }
        }
        return best ?? .null
    }
}

extension BSONValue {
    var isDouble: Bool {
        if case .double = self { return true }
        return false
    }
}
