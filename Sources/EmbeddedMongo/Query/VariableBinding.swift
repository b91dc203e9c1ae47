import BSON

/// The expressions that bind variables: `$let`, `$map`, `$filter` and `$reduce`.
indirect enum VariableBinding: Sendable {
    case bind([(String, Expression)], in: Expression)
    case map(input: Expression, name: String, body: Expression)
    case filter(input: Expression, name: String, condition: Expression, limit: Expression?)
    case reduce(input: Expression, initial: Expression, body: Expression)

    init(_ operatorName: String, _ argument: BSONValue) throws(CommandError) {
        guard case .document(let options) = argument else {
            throw .failedToParse("\(operatorName) only supports an object as its argument")
        }
        let allowed: [String: Set<String>] = [
            "$let": ["vars", "in"], "$map": ["input", "as", "in"], "$filter": ["input", "as", "cond", "limit"],
            "$reduce": ["input", "initialValue", "in"],
        ]
        for key in options.keys where !(allowed[operatorName]?.contains(key) ?? false) {
            throw .failedToParse("Unrecognized parameter to \(operatorName): \(key)")
        }
        func required(_ key: String) throws(CommandError) -> Expression {
            guard let value = options[key] else { throw .failedToParse("Missing '\(key)' parameter to \(operatorName)") }
            return try ExpressionEvaluator.compileNested(value)
        }
        func variableName(default fallback: String) throws(CommandError) -> String {
            guard let given = options["as"] else { return fallback }
            guard case .string(let name) = given, Self.isUserVariableName(name) else {
                throw .failedToParse("\(operatorName) 'as' must be a valid variable name, not \(given)")
            }
            return name
        }
        switch operatorName {
        case "$let":
            guard case .document(let variables)? = options["vars"] else { throw .failedToParse("$let requires 'vars' to be an object") }
            var bound = [(String, Expression)]()
            for (name, value) in variables {
                guard Self.isUserVariableName(name) else { throw .failedToParse("'\(name)' starts with an invalid character for a user variable name") }
                bound.append((name, try ExpressionEvaluator.compileNested(value)))
            }
            self = .bind(bound, in: try required("in"))
        case "$map":
            self = .map(input: try required("input"), name: try variableName(default: "this"), body: try required("in"))
        case "$filter":
            let limit: Expression? = if let value = options["limit"] { try ExpressionEvaluator.compileNested(value) } else { nil }
            self = .filter(input: try required("input"), name: try variableName(default: "this"), condition: try required("cond"), limit: limit)
        default:
            self = .reduce(input: try required("input"), initial: try required("initialValue"), body: try required("in"))
        }
    }

    /// User variables begin with a lowercase ASCII letter or a non-ASCII character.
    static func isUserVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        return (first >= "a" && first <= "z") || first.value > 127
    }

    func evaluate(_ document: Document, _ scope: [String: BSONValue]) throws(CommandError) -> BSONValue? {
        switch self {
        case .bind(let variables, let body):
            var inner = scope
            for (name, expression) in variables { inner[name] = try expression.evaluate(document, scope) ?? .null }
            return try body.evaluate(document, inner)
        case .map(let input, let name, let body):
            guard let elements = try Self.array(input, document, scope, "$map") else { return .null }
            var inner = scope
            var result = [BSONValue]()
            result.reserveCapacity(elements.count)
            for element in elements {
                inner[name] = element
                result.append(try body.evaluate(document, inner) ?? .null)
            }
            return .array(result)
        case .filter(let input, let name, let condition, let limitExpression):
            guard let elements = try Self.array(input, document, scope, "$filter") else { return .null }
            var limit = Int.max
            if let limitExpression, let value = try limitExpression.evaluate(document, scope), value != .null {
                guard value.isNumber, let whole = value.int64Value, whole > 0 else {
                    throw CommandError(code: 327391, codeName: "Location327391", message: "$filter: limit must be a positive whole number, not \(value)")
                }
                limit = Int(whole)
            }
            var inner = scope
            var kept = [BSONValue]()
            for element in elements where kept.count < limit {
                inner[name] = element
                if ExpressionEvaluator.isTrue(try condition.evaluate(document, inner)) { kept.append(element) }
            }
            return .array(kept)
        case .reduce(let input, let initial, let body):
            guard let elements = try Self.array(input, document, scope, "$reduce") else { return .null }
            var accumulated = try initial.evaluate(document, scope) ?? .null
            var inner = scope
            for element in elements {
                inner["value"] = accumulated
                inner["this"] = element
                accumulated = try body.evaluate(document, inner) ?? .null
            }
            return accumulated
        }
    }

    /// The input array; nil when it is null or missing (the operator then returns null).
    private static func array(_ input: Expression, _ document: Document, _ scope: [String: BSONValue],
                              _ operatorName: String) throws(CommandError) -> [BSONValue]? {
        switch try input.evaluate(document, scope) {
        case nil, .null?, .undefined?: return nil
        case .array(let elements)?: return elements
        case let other?:
            throw CommandError(code: 16883, codeName: "Location16883", message: "input to \(operatorName) must be an array not \(other.typeName)")
        }
    }

    /// Throws 17276 for a variable that no enclosing binding defines.
    static func checkBound(_ expression: Expression, _ bound: Set<String>) throws(CommandError) {
        switch expression {
        case .literal, .fieldPath:
            return
        case .variable(let name, _):
            guard ExpressionEvaluator.builtinVariables.contains(name) || bound.contains(name) else {
                throw CommandError(code: 17276, codeName: "Location17276", message: "Use of undefined variable: \(name)")
            }
        case .object(let fields):
            for (_, field) in fields { try checkBound(field, bound) }
        case .array(let elements), .logical(_, let elements), .ifNull(let elements), .function(_, let elements, _):
            for element in elements { try checkBound(element, bound) }
        case .conditional(let condition, let then, let otherwise):
            for part in [condition, then, otherwise] { try checkBound(part, bound) }
        case .branches(let cases, let fallback):
            for (condition, result) in cases {
                try checkBound(condition, bound)
                try checkBound(result, bound)
            }
            if let fallback { try checkBound(fallback, bound) }
        case .binding(let binding):
            switch binding {
            case .bind(let variables, let body):
                for (_, value) in variables { try checkBound(value, bound) }
                try checkBound(body, bound.union(variables.map(\.0)))
            case .map(let input, let name, let body):
                try checkBound(input, bound)
                try checkBound(body, bound.union([name]))
            case .filter(let input, let name, let condition, let limit):
                try checkBound(input, bound)
                try checkBound(condition, bound.union([name]))
                if let limit { try checkBound(limit, bound) }
            case .reduce(let input, let initial, let body):
                try checkBound(input, bound)
                try checkBound(initial, bound)
                try checkBound(body, bound.union(["value", "this"]))
            }
        }
    }
}
