import BSON

/// Expression operators over documents, arrays and strings: `$objectToArray`, `$arrayToObject`,
/// `$mergeObjects`, `$isArray`, `$sum`/`$avg` (expression forms), `$toUpper`, `$toLower`, `$strLenCP`,
/// `$split`, `$type`.
enum CollectionExpressions {
    private static func isNullish(_ value: BSONValue?) -> Bool {
        switch value {
        case nil, .null?, .undefined?: return true
        default: return false
        }
    }

    static func register(_ add: DateExpressions.Register) {
        add("$objectToArray", 1...1) { values throws(CommandError) in
            guard !isNullish(values[0]) else { return .null }
            guard case .document(let document)? = values[0] else {
                throw CommandError(code: 40390, codeName: "Location40390",
                                   message: "$objectToArray requires a document input, found: \(values[0]!.typeName)")
            }
            return .array(document.pairs.map { .document(["k": .string($0.key), "v": $0.value]) })
        }
        add("$arrayToObject", 1...1) { values throws(CommandError) in try arrayToObject(values[0]) }
        add("$mergeObjects", nil) { values throws(CommandError) in
            var merged = Document()
            for value in values where !isNullish(value) {
                guard case .document(let document)? = value else {
                    throw CommandError(code: 40400, codeName: "Location40400",
                                       message: "$mergeObjects requires object inputs, but input \(value!) is of type \(value!.typeName)")
                }
                for (key, field) in document { merged[key] = field }
            }
            return .document(merged)
        }
        add("$isArray", 1...1) { values in
            if case .array? = values[0] { return .bool(true) }
            return .bool(false)
        }
        add("$sum", nil) { values throws(CommandError) in
            var total: BSONValue = .int32(0)
            for value in numbers(values) {
                total = try NumericArithmetic.apply(.add, total, value, context: "$sum") ?? total
            }
            return total
        }
        add("$avg", nil) { values in
            let found = numbers(values).compactMap(\.doubleValue)
            return found.isEmpty ? .null : .double(found.reduce(0, +) / Double(found.count))
        }
        add("$toUpper", 1...1) { values throws(CommandError) in .string(try text(values[0], "$toUpper").uppercased()) }
        add("$toLower", 1...1) { values throws(CommandError) in .string(try text(values[0], "$toLower").lowercased()) }
        add("$strLenCP", 1...1) { values throws(CommandError) in
            guard case .string(let string)? = values[0] else {
                throw CommandError(code: 34471, codeName: "Location34471",
                                   message: "$strLenCP requires a string argument, found: \(values[0]?.typeName ?? "missing")")
            }
            return .int32(Int32(string.unicodeScalars.count))
        }
        add("$split", 2...2) { values throws(CommandError) in
            guard !isNullish(values[0]) else { return .null }
            guard case .string(let string)? = values[0], case .string(let separator)? = values[1], !separator.isEmpty else {
                throw CommandError(code: 40085, codeName: "Location40085",
                                   message: "$split requires a string to split and a non-empty string delimiter")
            }
            return .array(string.split(separator: separator, omittingEmptySubsequences: false).map { .string(String($0)) })
        }
        add("$type", 1...1) { values in
            guard let value = values[0] else { return .string("missing") }
            return .string(value.typeName)
        }
    }

    /// One array argument means its elements; non-numbers are ignored, as MongoDB does.
    private static func numbers(_ values: [BSONValue?]) -> [BSONValue] {
        var candidates = values.compactMap { $0 }
        if values.count == 1, case .array(let elements)? = values[0] { candidates = elements }
        return candidates.filter(\.isNumber)
    }

    /// `$toUpper`/`$toLower` treat null and missing as the empty string and print numbers.
    private static func text(_ value: BSONValue?, _ name: String) throws(CommandError) -> String {
        switch value {
        case nil, .null?, .undefined?: return ""
        case .string(let string)?: return string
        case let other?:
            guard other.isNumber || other.datetimeValue != nil, case .string(let printed)? = try Conversions.toString(other) else {
                throw CommandError(code: 16007, codeName: "Location16007", message: "can't convert from BSON type \(other.typeName) to String")
            }
            return printed
        }
    }

    private static func arrayToObject(_ value: BSONValue?) throws(CommandError) -> BSONValue? {
        guard !isNullish(value) else { return .null }
        guard case .array(let elements)? = value else {
            throw CommandError(code: 40386, codeName: "Location40386",
                               message: "$arrayToObject requires an array input, found: \(value!.typeName)")
        }
        var result = Document()
        for element in elements {
            switch element {
            case .array(let pair) where pair.count == 2:
                guard case .string(let key) = pair[0] else {
                    throw CommandError(code: 40395, codeName: "Location40395", message: "$arrayToObject requires an array of key-value pairs, where the key must be of type string")
                }
                result[key] = pair[1]
            case .document(let pair) where pair.count == 2:
                guard case .string(let key)? = pair["k"], let field = pair["v"] else {
                    throw CommandError(code: 40393, codeName: "Location40393", message: "$arrayToObject requires an object with keys 'k' and 'v'")
                }
                result[key] = field
            default:
                throw CommandError(code: 40398, codeName: "Location40398",
                                   message: "$arrayToObject requires an array of [key, value] pairs or {k, v} objects, found: \(element)")
            }
        }
        return .document(result)
    }
}
